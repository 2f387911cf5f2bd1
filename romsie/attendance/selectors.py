"""Reads of school life: a session's roll, the day's register, a student's record and totals.

Every read starts from ``access``; list pages cost a fixed number of queries whatever their length.
"""

from __future__ import annotations

# -- Roll call -------------------------------------------------------------------------------


# -- School-life office ------------------------------------------------------------------------


# -- A student's record ------------------------------------------------------------------------


# -- Incidents and sanctions ---------------------------------------------------------------------
