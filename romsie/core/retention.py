"""Retention: how long records naming people are kept, and the one daily job that purges them.

Each kind of record past its delay is deleted by a *purge*: a function taking the current time
and returning how many rows it deleted. Apps register theirs from their ``AppConfig.ready()``
(core cannot import them); ``manage.py purge_connection_logs``, the daily retention job, runs
them all with :func:`purge_expired`. Purges take ``now``, so tests move the clock, not the data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from .services import audit_events_purge

Purge = Callable[[datetime], int]
_PURGES: dict[str, Purge] = {}


def register(label: str, purge: Purge) -> None:
    """Add a purge to the daily job; ``label`` names what it deletes ("import runs")."""
    _PURGES[label] = purge


def purge_expired(*, now: datetime | None = None) -> dict[str, int]:
    """Run every registered purge; return how many rows each deleted, by label."""
    moment = now or timezone.now()
    return {label: purge(moment) for label, purge in _PURGES.items()}


register("audit events", lambda now: audit_events_purge(now=now))
