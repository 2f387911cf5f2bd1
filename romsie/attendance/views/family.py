"""Families' views of school life."""

from __future__ import annotations
