"""Permission-matrix rows of polls and surveys, for ``tests/test_permission_matrix.py``.

Objects of establishments ``a`` and ``c``: a quick poll by the class's teacher for the students
and parents of the class, answered by the student (results shown after answering), and a draft
survey by the same teacher with one question.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from romsie.core.testing.world import World

from .builders import objects

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
polls:poll-list                     -      | 302  200  200  200  403  200  200  200  200  200  200  403
polls:poll-mine                     -      | 302  403  403  200  403  200  200  200  200  200  200  403
polls:poll-create                   -      | 302  403  403  200  403  200  200  200  200  200  200  403
polls:poll-answer                   own    | 302  200  200  200  403  404  404  404  404  404  404  403
polls:poll-answer                   other  | 302  404  404  404  403  404  404  404  404  404  404  403
polls:poll-results                  own    | 302  200  404  200  403  404  404  404  404  404  404  403
polls:poll-results                  other  | 302  404  404  404  403  404  404  404  404  404  404  403
polls:poll-manage                   own    | 302  403  403  200  403  404  404  404  404  404  404  403
polls:poll-manage                   other  | 302  403  403  404  403  404  404  404  404  404  404  403
polls:poll-update                   own    | 302  403  403  200  403  404  404  404  404  404  404  403
polls:poll-update                   other  | 302  403  403  404  403  404  404  404  404  404  404  403
polls:poll-publish                  own    | 302  403  403  405  403  405  405  405  405  405  405  403
polls:poll-publish                  other  | 302  403  403  405  403  405  405  405  405  405  405  403
polls:question-create               own    | 302  403  403  200  403  404  404  404  404  404  404  403
polls:question-create               other  | 302  403  403  404  403  404  404  404  404  404  404  403
polls:question-delete               own    | 302  403  403  405  403  405  405  405  405  405  405  403
polls:question-delete               other  | 302  403  403  405  403  405  405  405  405  405  405  403
polls:poll-export                   own    | 302  403  403  200  403  404  404  404  404  404  404  403
polls:poll-export                   other  | 302  403  403  404  403  404  404  404  404  404  404  403
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
polls:poll-create                   -      | 302  403  403  302+ 403  302+ 302+ 302+ 302+ 302+ 302+ 403
polls:poll-answer                   own    | 302  200  302+ 200  403  404  404  404  404  404  404  403
polls:poll-answer                   other  | 302  404  404  404  403  404  404  404  404  404  404  403
polls:poll-update                   own    | 302  403  403  200  403  404  404  404  404  404  404  403
polls:poll-update                   other  | 302  403  403  404  403  404  404  404  404  404  404  403
polls:poll-publish                  own    | 302  403  403  302+ 403  404  404  404  404  404  404  403
polls:poll-publish                  other  | 302  403  403  404  403  404  404  404  404  404  404  403
polls:question-create               own    | 302  403  403  302+ 403  404  404  404  404  404  404  403
polls:question-create               other  | 302  403  403  404  403  404  404  404  404  404  404  403
polls:question-delete               own    | 302  403  403  302+ 403  404  404  404  404  404  404  403
polls:question-delete               other  | 302  403  403  404  403  404  404  404  404  404  404  403
"""


def _none(w: World, which: str) -> dict[str, Any]:
    objects(w.a)
    objects(w.c)
    return {}


def _pk(key: str) -> Callable[[World, str], dict[str, Any]]:
    def build(w: World, which: str) -> dict[str, Any]:
        objects(w.a)
        objects(w.c)
        return {"pk": objects(w.a if which == "own" else w.c)[key].pk}

    return build


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "polls:poll-list": _none,
    "polls:poll-mine": _none,
    "polls:poll-create": _none,
    "polls:poll-answer": _pk("poll"),
    "polls:poll-results": _pk("poll"),
    "polls:poll-manage": _pk("poll"),
    "polls:poll-update": _pk("poll"),
    "polls:poll-publish": _pk("survey"),
    "polls:question-create": _pk("survey"),
    "polls:question-delete": _pk("survey_question"),
    "polls:poll-export": _pk("poll"),
}


def _answer(w: World, which: str) -> dict[str, Any]:
    built = objects(w.a if which == "own" else w.c)
    return {f"q{built['question'].pk}": str(built["option"].pk)}


# Bodies that make each action do something: a POST by someone who may not act would then add
# or change a row, which the matrix would see.
POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "polls:poll-answer": _answer,
    "polls:question-create": lambda w, which: {"label": "Anything to add?", "kind": "long_text"},
    "polls:poll-create": lambda w, which: {
        "kind": "quick",
        "title": "Pizza or pasta?",
        "choices": "Pizza\nPasta",
        "is_anonymous": "on",
        "opens_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (timezone.localtime() + timezone.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "results_visibility": "after_answer",
    },
}
