"""Permission-matrix rows of the forums, for ``tests/test_permission_matrix.py``.

The "own" objects live in the forum of class ``a.school_class`` (its student and its teacher
belong to it; the head, school life and the digital lead reach every forum by their rights): a
topic opened by the student with the teacher's reply, a second category, and a report of the
teacher's reply by the student. "other" is the same in establishment ``c``. Every builder
switches the forums service on in ``a`` and ``c``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from romsie.communities.tests.builders import community
from romsie.communities.tests.builders import enable as communities_enable
from romsie.core.testing.world import World
from romsie.forums.models import Category, Reply, Report

from .builders import class_forum, enable, topic

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
forums:forum-list                   -      | 302  200  200  200  403  200  200  200  200  200  200  403
forums:forum-create                 -      | 302  403  403  403  403  200  200  403  403  403  200  403
forums:forum-detail                 own    | 302  200  404  200  403  200  200  404  404  404  200  403
forums:forum-detail                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:category-create              own    | 302  403  403  403  403  200  200  403  403  403  200  403
forums:category-create              other  | 302  403  403  403  403  404  404  403  403  403  404  403
forums:category-detail              own    | 302  200  404  200  403  200  200  404  404  404  200  403
forums:category-detail              other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:topic-create                 own    | 302  200  404  200  403  200  200  404  404  404  200  403
forums:topic-create                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:topic-detail                 own    | 302  200  404  200  403  200  200  404  404  404  200  403
forums:topic-detail                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:topic-reply                  own    | 302  200  404  200  403  200  200  404  404  404  200  403
forums:topic-reply                  other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:topic-follow                 own    | 302  405  405  405  403  405  405  405  405  405  405  403
forums:topic-follow                 other  | 302  405  405  405  403  405  405  405  405  405  405  403
forums:topic-moderate               own    | 302  405  405  405  403  405  405  405  405  405  405  403
forums:topic-moderate               other  | 302  405  405  405  403  405  405  405  405  405  405  403
forums:topic-move                   own    | 302  404  404  200  403  200  200  404  404  404  404  403
forums:topic-move                   other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:reply-update                 own    | 302  404  404  200  403  404  404  404  404  404  404  403
forums:reply-update                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:reply-report                 own    | 302  200  404  200  403  200  200  404  404  404  200  403
forums:reply-report                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:reply-moderate               own    | 302  405  405  405  403  405  405  405  405  405  405  403
forums:reply-moderate               other  | 302  405  405  405  403  405  405  405  405  405  405  403
forums:report-list                  -      | 302  404  404  200  403  200  200  404  404  404  404  403
forums:community-forum              own    | 302  200  404  200  403  404  404  404  404  404  404  403
forums:community-forum              other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:report-resolve               own    | 302  405  405  405  403  405  405  405  405  405  405  403
forums:report-resolve               other  | 302  405  405  405  403  405  405  405  405  405  405  403
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
forums:forum-create                 -      | 302  403  403  403  403  302+ 302+ 403  403  403  302+ 403
forums:category-create              own    | 302  403  403  403  403  302+ 302+ 403  403  403  302+ 403
forums:category-create              other  | 302  403  403  403  403  404  404  403  403  403  404  403
forums:topic-create                 own    | 302  302+ 404  302+ 403  302+ 302+ 404  404  404  302+ 403
forums:topic-create                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:topic-reply                  own    | 302  302+ 404  302+ 403  302+ 302+ 404  404  404  302+ 403
forums:topic-reply                  other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:topic-follow                 own    | 302  302  404  302+ 403  302+ 302+ 404  404  404  302+ 403
forums:topic-follow                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:topic-moderate               own    | 302  404  404  302+ 403  302+ 302+ 404  404  404  404  403
forums:topic-moderate               other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:topic-move                   own    | 302  404  404  302+ 403  302+ 302+ 404  404  404  404  403
forums:topic-move                   other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:reply-update                 own    | 302  404  404  302  403  404  404  404  404  404  404  403
forums:reply-update                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:reply-report                 own    | 302  200  404  302+ 403  302+ 302+ 404  404  404  302+ 403
forums:reply-report                 other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:reply-moderate               own    | 302  404  404  302+ 403  302+ 302+ 404  404  404  404  403
forums:reply-moderate               other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:community-forum              own    | 302  200  404  302+ 403  404  404  404  404  404  404  403
forums:community-forum              other  | 302  404  404  404  403  404  404  404  404  404  404  403
forums:report-resolve               own    | 302  404  404  302+ 403  302+ 302+ 404  404  404  404  403
forums:report-resolve               other  | 302  404  404  404  403  404  404  404  404  404  404  403
"""


def _none(w: World, which: str) -> dict[str, Any]:
    enable(w.a, w.c)
    return {}


def _build(w: World, which: str) -> dict[str, Any]:
    enable(w.a, w.c)
    ew = w.a if which == "own" else w.c
    forum = class_forum(ew)
    Category.objects.create(establishment=ew.establishment, forum=forum, name="Sorties", position=2)
    made = topic(forum, ew.student)
    reply = Reply.objects.create(
        establishment=ew.establishment,
        topic=made,
        position=2,
        author=ew.teacher,
        body="<p>Rendez-vous à 9 h.</p>",
        created_at=timezone.now(),
    )
    made.reply_count = 2
    made.save(update_fields=["reply_count"])
    report = Report.objects.create(
        establishment=ew.establishment, reply=reply, reporter=ew.student, reason="Hors sujet", created_at=timezone.now()
    )
    return {"forum": forum.pk, "category": made.category_id, "topic": made.pk, "reply": reply.pk, "report": report.pk}


def _community(w: World, which: str) -> dict[str, Any]:
    """A community of ``a`` (or ``c``) owned by its teacher, its student and partner members; no forum yet."""
    enable(w.a, w.c)
    communities_enable(w)
    return {"pk": community(w.a if which == "own" else w.c).pk}


def _object(key: str) -> Callable[[World, str], dict[str, Any]]:
    return lambda w, which: {"pk": _build(w, which)[key]}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "forums:forum-list": _none,
    "forums:forum-create": _none,
    "forums:report-list": lambda w, which: (_build(w, "own"), {})[1],
    "forums:forum-detail": _object("forum"),
    "forums:category-create": _object("forum"),
    "forums:category-detail": _object("category"),
    "forums:topic-create": _object("category"),
    "forums:topic-detail": _object("topic"),
    "forums:topic-reply": _object("topic"),
    "forums:topic-follow": _object("topic"),
    "forums:topic-moderate": _object("topic"),
    "forums:topic-move": _object("topic"),
    "forums:reply-update": _object("reply"),
    "forums:reply-report": _object("reply"),
    "forums:reply-moderate": _object("reply"),
    "forums:report-resolve": _object("report"),
    "forums:community-forum": _community,
}


def _second_category(w: World, which: str) -> dict[str, Any]:
    ew = w.a if which == "own" else w.c
    category = Category.objects.filter(establishment=ew.establishment, name="Sorties").first()
    return {"category": category.pk if category else ""}


def _edit(w: World, which: str) -> dict[str, Any]:
    ew = w.a if which == "own" else w.c
    reply = Reply.objects.filter(establishment=ew.establishment, position=2).first()
    return {"body": "<p>Rendez-vous à 8 h 30.</p>", "version": reply.version if reply else ""}


POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "forums:forum-create": lambda w, which: {"kind": "establishment", "title": "Forum des délégués"},
    "forums:category-create": lambda w, which: {"name": "Révisions"},
    "forums:topic-create": lambda w, which: {"title": "Le brevet", "body": "<p>Des conseils ?</p>"},
    "forums:topic-reply": lambda w, which: {"body": "<p>Merci !</p>"},
    "forums:topic-follow": lambda w, which: {"follow": "1"},
    "forums:topic-moderate": lambda w, which: {"action": "lock"},
    "forums:topic-move": _second_category,
    "forums:reply-update": _edit,
    "forums:reply-report": lambda w, which: {"reason": "Propos blessants"},
    "forums:reply-moderate": lambda w, which: {"action": "hide"},
    "forums:report-resolve": lambda w, which: {"hide": "0"},
}
