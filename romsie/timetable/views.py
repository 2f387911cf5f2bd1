"""Timetable pages: my week and my day, a class's or a room's week, a session and its changes,
the calendar and lessons (staff), the lesson import, and the personal calendar feed."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core import fragments, versions
from romsie.core.access.declarations import public, requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import check_year_bounds, show_error
from romsie.core.ids import parse_id

from . import access, feeds, imports, registry, selectors, services
from .forms import DayOffForm, LessonForm, LessonImportForm, SessionChangeForm
from .habilitations import TimetableHabilitation

SERVICE = "timetable"
_IMPORT_SESSION_KEY = "timetable-import"


def _date_param(request: ScopedRequest, name: str) -> datetime.date:
    """The date asked for in the query string; today when absent, malformed or out of bounds."""
    try:
        value = datetime.date.fromisoformat(request.GET.get(name, ""))
        check_year_bounds(value)  # year 1 or 9999 would overflow the week's arithmetic
    except (ValueError, ValidationError):
        return timezone.localdate()
    return value


def _markers(request: ScopedRequest, owner: tuple[str, int] | None, week: selectors.Week) -> None:
    if owner is None:
        return
    for marker in registry.week_markers(request.scope):
        for day_date, labels in marker(request, owner, week.monday).items():
            for day in week.days:
                if day.date == day_date:
                    day.markers.extend(labels)


def _stamp(request: ScopedRequest, *parts: Any) -> tuple[Any, ...]:
    """What a cached week or day depends on: the establishment's timetable, homework and structure
    versions, today, the services and habilitations of the person, and the page's own ``parts``."""
    scope = request.scope
    kinds = feeds.FEED_VERSION_KINDS
    return (
        *parts,
        timezone.localdate(),
        sorted(scope.services),
        sorted(scope.habilitations),
        *versions.stamp(*(versions.key(kind, scope.establishment_id) for kind in kinds)),
    )


def _week_page(request: ScopedRequest, sessions: Callable[[], Any], title: str, owner: tuple[str, int] | None,
               **extra: Any) -> HttpResponse:  # fmt: skip
    scope = request.scope
    monday = selectors.monday_of(_date_param(request, "semaine"))

    def render_week() -> str:
        week = selectors.week(scope.establishment_id, sessions(), monday)
        _markers(request, owner, week)
        context = {"week": week, "today": timezone.localdate(), **extra}
        return render_to_string("timetable/_week_body.html", context, request)

    stamp = _stamp(request, "week", owner, monday, sorted(extra.items()))
    body = fragments.cached(request, "timetable-week", stamp, render_week)
    return render(request, "timetable/week.html", {"title": title, "body": body})


@requires(TimetableHabilitation.VIEW, service=SERVICE)
def week(request: ScopedRequest) -> HttpResponse:
    """My week (a parent: the week of the child chosen in the header)."""
    scope = request.scope
    owner = access.timetable_owner(scope)
    if scope.child is not None and scope.is_parent and not scope.is_student:
        title = _("Timetable of %(name)s") % {"name": scope.child.name}
    else:
        title = _("My timetable")
    return _week_page(
        request,
        # Built only when the week is rendered: the filters cost ~3 ms of Python on a cache hit.
        lambda: access.own_sessions(scope),
        title,
        owner,
        no_owner=owner is None,
        can_browse=scope.has(TimetableHabilitation.VIEW_ALL),
        day_url=reverse("timetable:day"),
    )


@requires(TimetableHabilitation.VIEW, service=SERVICE)
def day(request: ScopedRequest) -> HttpResponse:
    """My day, for a quick look on a phone."""
    scope = request.scope
    when = _date_param(request, "jour")

    def render_day() -> str:
        week = selectors.week(scope.establishment_id, access.own_sessions(scope), selectors.monday_of(when))
        context = {
            "day": next((d for d in week.days if d.date == when), selectors.Day(when)),
            "previous": when - datetime.timedelta(days=1),
            "next": when + datetime.timedelta(days=1),
        }
        return render_to_string("timetable/_day_body.html", context, request)

    stamp = _stamp(request, "day", access.timetable_owner(scope), when)
    body = fragments.cached(request, "timetable-day", stamp, render_day)
    return render(request, "timetable/day.html", {"body": body})


@requires(TimetableHabilitation.VIEW_ALL, service=SERVICE)
def browse(request: ScopedRequest) -> HttpResponse:
    """The classes and rooms whose week one may open."""
    scope = request.scope
    context = {
        "classes": access.viewable_classes(scope).order_by("name"),
        "rooms": access.viewable_rooms(scope).order_by("name"),
    }
    return render(request, "timetable/browse.html", context)


@requires(TimetableHabilitation.VIEW_ALL, service=SERVICE)
def class_week(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    school_class = access.get_class(scope, pk)

    def sessions() -> Any:
        return access.visible_sessions(scope).filter(access.class_filter(school_class))

    title = _("Timetable of class %(name)s") % {"name": school_class.name}
    return _week_page(request, sessions, title, ("class", school_class.pk))


@requires(TimetableHabilitation.VIEW_ALL, service=SERVICE)
def room_week(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    room = access.get_room(scope, pk)

    def sessions() -> Any:
        return access.visible_sessions(scope).filter(room=room)

    title = _("Timetable of room %(name)s") % {"name": room.name}
    return _week_page(request, sessions, title, ("room", room.pk))


@requires(TimetableHabilitation.VIEW, service=SERVICE)
def session_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    session = access.get_session(scope, pk)
    panels: list[tuple[str, dict[str, Any]]] = []
    panel_css: list[str] = []  # the style sheets of the panels shown (the template links each once)
    for hook in registry.session_panel_hooks(scope):
        if (panel := hook.fn(request, session)) is not None:
            panels.append(panel)
            panel_css.extend(hook.css)
    context = {
        "session": session,
        "panels": panels,
        "panel_css": panel_css,
        "can_change": scope.has(TimetableHabilitation.MANAGE),
    }
    return render(request, "timetable/session_detail.html", context)


@requires(TimetableHabilitation.MANAGE, service=SERVICE)
def session_change(request: ScopedRequest, pk: int) -> HttpResponse:
    """Cancel, move, change the room or the teacher of one session; everyone concerned is told."""
    scope = request.scope
    session = access.get_manageable_session(scope, pk)
    form = SessionChangeForm(request.POST or None, scope=scope, session=session)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change = services.SessionChange(
            cancelled=data["cancelled"],
            date=data["date"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            room=data["room"],
            teacher_id=data["teacher"].pk,
            note=data["note"],
        )
        try:
            services.session_change(scope=scope, session=session, version=form.shown_version, change=change)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The change is recorded and everyone concerned is notified."))
            return redirect("timetable:session-detail", pk=session.pk)
    context = {"form": form, "session": session}
    return render(request, "timetable/session_change.html", context)


# Calendar and lessons (staff)


@requires(TimetableHabilitation.MANAGE, service=SERVICE)
def manage(request: ScopedRequest) -> HttpResponse:
    """The school calendar: days off and the A/B weeks of the current year."""
    scope = request.scope
    context = {
        "days_off": access.manageable_days_off(scope),
        "weeks": access.manageable_weeks(scope),
        "form": DayOffForm(),
    }
    return render(request, "timetable/manage.html", context)


@requires(TimetableHabilitation.MANAGE, service=SERVICE)
def day_off_create(request: ScopedRequest) -> HttpResponse:
    scope = request.scope
    form = DayOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.day_off_save(scope=scope, **form.cleaned_data)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Day off added; the timetable follows."))
            return redirect("timetable:manage")
    context = {"form": form, "title": _("Add days off"), "cancel_url": reverse("timetable:manage")}
    return render(request, "core/object_form.html", context)


@requires(TimetableHabilitation.MANAGE, service=SERVICE)
def day_off_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    day_off = access.get_manageable_day_off(scope, pk)
    if request.method == "POST":
        services.day_off_delete(scope=scope, day_off=day_off)
        messages.success(request, _("Day off removed; the timetable follows."))
        return redirect("timetable:manage")
    context = {"object": day_off, "cancel_url": reverse("timetable:manage")}
    return render(request, "core/object_confirm_delete.html", context)


@require_POST
@requires(TimetableHabilitation.MANAGE, service=SERVICE)
def week_swap(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    week_obj = access.get_manageable_week(scope, pk)
    services.week_label_swap(scope=scope, week=week_obj)
    messages.success(request, _("Week of %(date)s is now week %(label)s.") % {
        "date": formats.date_format(week_obj.monday, "DATE_FORMAT"), "label": week_obj.label})  # fmt: skip
    return redirect("timetable:manage")


@requires(TimetableHabilitation.MANAGE, service=SERVICE)
def lesson_list(request: ScopedRequest) -> HttpResponse:
    """The weekly lessons, for one class (or every class)."""
    scope = request.scope
    classes = list(access.viewable_classes(scope).order_by("name")) if scope.has(
        TimetableHabilitation.VIEW_ALL) else []  # fmt: skip
    class_id = parse_id(request.GET.get("classe"))
    if class_id is None:
        class_id = classes[0].pk if classes else None
    lessons = selectors.lessons_of_class(access.manageable_lessons(scope), class_id)
    context = {"lessons": lessons, "classes": classes, "class_id": class_id}
    return render(request, "timetable/lesson_list.html", context)


def _lesson_form(request: ScopedRequest, lesson: Any = None) -> HttpResponse:
    scope = request.scope
    form = LessonForm(request.POST or None, scope=scope, instance=lesson)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in LessonForm.Meta.fields}
        try:
            services.lesson_save(scope=scope, lesson=lesson, version=form.shown_version, **fields)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Lesson saved; the coming sessions follow."))
            return redirect("timetable:lesson-list")
    title = _("Change a lesson") if lesson else _("Add a lesson")
    context = {"form": form, "title": title, "cancel_url": reverse("timetable:lesson-list")}
    return render(request, "core/object_form.html", context)


@requires(TimetableHabilitation.MANAGE, service=SERVICE)
def lesson_create(request: ScopedRequest) -> HttpResponse:
    return _lesson_form(request)


@requires(TimetableHabilitation.MANAGE, service=SERVICE)
def lesson_update(request: ScopedRequest, pk: int) -> HttpResponse:
    return _lesson_form(request, access.get_manageable_lesson(request.scope, pk))


@requires(TimetableHabilitation.MANAGE, service=SERVICE)
def lesson_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    lesson = access.get_manageable_lesson(scope, pk)
    if request.method == "POST":
        services.lesson_delete(scope=scope, lesson=lesson)
        messages.success(request, _("Lesson removed from the timetable; past sessions stay in the record."))
        return redirect("timetable:lesson-list")
    context = {"object": lesson, "cancel_url": reverse("timetable:lesson-list")}
    return render(request, "core/object_confirm_delete.html", context)


@requires(TimetableHabilitation.MANAGE, service=SERVICE)
def lesson_import(request: ScopedRequest) -> HttpResponse:
    """Upload a CSV of lessons, see what it will do, then apply it (one transaction)."""
    scope = request.scope
    form = LessonImportForm()
    plan = None
    pending = request.session.get(_IMPORT_SESSION_KEY)
    try:
        if request.method == "POST" and "apply" in request.POST and pending:
            plan = imports.apply_import(scope, pending["text"], replace=pending["replace"])
            if plan.ok:
                del request.session[_IMPORT_SESSION_KEY]
                messages.success(
                    request,
                    _("Timetable imported: %(created)d lessons added, %(unchanged)d unchanged, %(deleted)d removed.")
                    % {"created": plan.create, "unchanged": plan.unchanged, "deleted": plan.delete},
                )
                return redirect("timetable:lesson-list")
        elif request.method == "POST":
            form = LessonImportForm(request.POST, request.FILES)
            if form.is_valid():
                text = imports.decode(form.cleaned_data["file"].read())
                replace = form.cleaned_data["replace"]
                plan = imports.plan_import(scope, text, replace=replace)
                if plan.ok:
                    request.session[_IMPORT_SESSION_KEY] = {"text": text, "replace": replace}
    except ApplicationError as error:
        show_error(request, error, form)
    return render(request, "timetable/lesson_import.html", {"form": form, "plan": plan})


# Calendar feed


@requires(TimetableHabilitation.VIEW, service=SERVICE)
def feed_settings(request: ScopedRequest) -> HttpResponse:
    """Show the person's secret calendar address; a new one revokes the old one."""
    url = None
    if request.method == "POST":
        token = feeds.feed_token_reset(user_id=request.user.pk, revoke="revoke" in request.POST)
        if token:
            url = request.build_absolute_uri(reverse("timetable:feed", kwargs={"token": token}))
            messages.success(request, _("Your new calendar address is shown below; the old one no longer works."))
        else:
            messages.success(request, _("Your calendar address is revoked."))
    context = {"url": url, "has_feed": feeds.has_feed(request.user.pk)}
    return render(request, "timetable/feed_settings.html", context)


@public
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed; the token is the only credential, so a wrong one is a plain 404."""
    body = feeds.feed_for_token(token)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="romsie.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
