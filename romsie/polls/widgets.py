"""Dashboard contribution of polls: the open polls the person has not answered, a quick poll answerable there.

Cached for a minute per person against ``selectors.reader_stamp``, shared with the polls page:
the ``polls`` version stamps (the establishment's polls published or changed, the polls the
person answered), ``structure`` and the person's ``user`` version (who is in an audience); an
opening or a deadline passing is covered by the one-minute time-out.
"""

from __future__ import annotations

from typing import Any

from romsie.core import registry
from romsie.core.access.scope import ScopedRequest

from . import selectors
from .habilitations import PollsHabilitation

SERVICE = "polls"
SHOWN = 5


def open_context(request: ScopedRequest) -> dict[str, Any] | None:
    """The open polls not answered yet; each quick poll with its choices, to answer in one go."""
    scope = request.scope
    polls = selectors.open_for_person(scope, limit=SHOWN)
    quick = selectors.quick_options(polls)
    return {"entries": [(poll, quick.get(poll.pk)) for poll in polls]}


def open_stamp(request: ScopedRequest) -> tuple[Any, ...]:
    return selectors.reader_stamp(request.scope)


OPEN_WIDGET = registry.Widget(
    key="polls-open",
    template_name="polls/_widget_open.html",
    get_context=open_context,
    order=32,
    service=SERVICE,
    habilitation=PollsHabilitation.ANSWER,
    css=("polls/polls.css",),
    cache_stamp=open_stamp,
)
