"""Root pytest configuration: the shared fixtures live in romsie.core.testing."""

pytest_plugins = ["romsie.core.testing.fixtures"]
