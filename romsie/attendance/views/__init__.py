"""The views of school life, one module per part: roll call, the office, families, incidents."""
