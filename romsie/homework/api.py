"""The family API's homework: what is to do, with the student's ticks; a student ticks it done."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from romsie.core.api import ERRORS, ApiScope, ObjectId, child_scope, gate
from romsie.core.errors import ApplicationError
from romsie.core.ids import MAX_ID

from . import access, selectors, services
from .habilitations import HomeworkHabilitation

router = Router(tags=["homework"])
SERVICE = "homework"


class HomeworkOut(Schema):
    """One homework to do, with whether the student ticked it done."""

    id: int
    due_on: datetime.date
    subject: str
    kind: str
    instructions: str
    duration_minutes: int | None
    is_done: bool


class HomeworkListOut(Schema):
    student_id: int | None
    homework: list[HomeworkOut]


class TodoQuery(Schema):
    child: int | None = None
    past: bool = False


class TickOut(Schema):
    id: int
    is_done: bool


def _out(h: Any) -> HomeworkOut:
    return HomeworkOut(
        id=h.pk,
        due_on=h.due_on,
        subject=h.teaching.subject.name,
        kind=h.kind,
        instructions=h.instructions,
        duration_minutes=h.duration_minutes,
        is_done=bool(getattr(h, "is_done", False)),
    )


@router.get("/homework", response={200: HomeworkListOut, **ERRORS}, url_name="homework-list", summary="To do")
def homework_list(request: HttpRequest, query: Query[TodoQuery]) -> HomeworkListOut:
    """Homework due from today (``past``: of the last four weeks), as the "to do" page shows it.

    A parent passes ``child``; a student reads their own.
    """
    if query.child is not None and not 1 <= query.child <= MAX_ID:
        raise HttpError(404, "Not Found")
    scope = gate(request, oauth_scope=ApiScope.HOMEWORK, habilitation=HomeworkHabilitation.VIEW, service=SERVICE)
    scope = child_scope(scope, query.child)
    page = selectors.todo_for_student(scope, past=query.past)
    return HomeworkListOut(student_id=page.student_id, homework=[_out(h) for day in page.days for h in day.homework])


def _tick(request: HttpRequest, homework_id: int, *, done: bool) -> TickOut:
    scope = gate(request, oauth_scope=ApiScope.HOMEWORK, habilitation=HomeworkHabilitation.VIEW, service=SERVICE)
    homework = access.get_homework(scope, homework_id)
    try:
        services.homework_tick(scope=scope, homework=homework, done=done)
    except ApplicationError as error:
        raise HttpError(403, error.message) from error
    return TickOut(id=homework.pk, is_done=done)


@router.post(
    "/homework/{homework_id}/done",
    response={200: TickOut, **ERRORS},
    url_name="homework-tick",
    summary="Tick a homework done",
)
def homework_tick(request: HttpRequest, homework_id: ObjectId) -> TickOut:
    """Only the student ticks their own homework (a parent gets 403)."""
    return _tick(request, homework_id, done=True)


@router.delete(
    "/homework/{homework_id}/done",
    response={200: TickOut, **ERRORS},
    url_name="homework-untick",
    summary="Untick a homework",
)
def homework_untick(request: HttpRequest, homework_id: ObjectId) -> TickOut:
    return _tick(request, homework_id, done=False)
