"""Roll-call views of school life: call a session's roll, today's roll calls, the sessions not called."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from romsie.core import fragments, versions
from romsie.core.access.declarations import requires
from romsie.core.access.scope import Scope, ScopedRequest
from romsie.core.concurrency import StaleEdit
from romsie.core.errors import ApplicationError
from romsie.core.forms import VersionedForm, check_year_bounds, show_error

from .. import access, selectors, services
from ..habilitations import AttendanceHabilitation as H
from ..models import MAX_LATE_MINUTES, AttendanceMark, RollCall

SERVICE = "attendance"
PRESENT = "present"
STATUS_CHOICES = [
    (PRESENT, gettext_lazy("Present")),
    (AttendanceMark.Status.ABSENT.value, gettext_lazy("Absent")),
    (AttendanceMark.Status.LATE.value, gettext_lazy("Late")),
    (AttendanceMark.Status.LEFT_EARLY.value, gettext_lazy("Left early")),
]
STATUS_FIELD = re.compile(r"^status-(\d+)$")


class RollCallForm(VersionedForm):
    """One radio group (and a minutes box) per student expected; posts the roll call's version.

    A posted mark for anybody else, an unknown status or minutes out of 1..240 are refused with
    a message, and the page comes back with what was typed.
    """

    def __init__(self, *args: Any, sheet: selectors.RollCallSheet, **kwargs: Any) -> None:
        super().__init__(*args, edited=sheet.roll_call, **kwargs)
        self.sheet = sheet
        self.rows: list[tuple[selectors.RollRow, forms.BoundField, forms.BoundField]] = []
        for row in sheet.rows:
            pk = row.student.pk
            self.fields[f"status-{pk}"] = forms.ChoiceField(
                label=str(row.student), choices=STATUS_CHOICES, initial=row.status, widget=forms.RadioSelect
            )
            self.fields[f"minutes-{pk}"] = forms.IntegerField(
                label=_("Minutes late"),
                required=False,
                min_value=1,
                max_value=MAX_LATE_MINUTES,
                initial=row.minutes_late,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": MAX_LATE_MINUTES}),
            )
        for row in sheet.rows:
            pk = row.student.pk
            self.rows.append((row, self[f"status-{pk}"], self[f"minutes-{pk}"]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        expected = {row.student.pk for row in self.sheet.rows}
        for key in self.data:
            match = STATUS_FIELD.match(key)
            if match and int(match.group(1)) not in expected:
                raise ValidationError(
                    _("A mark is for a student who is not expected at this session: nothing was saved.")
                )
        for row in self.sheet.rows:
            pk = row.student.pk
            if data.get(f"status-{pk}") == AttendanceMark.Status.LATE and not data.get(f"minutes-{pk}"):
                self.add_error(
                    f"minutes-{pk}", _("Say how many minutes late (1 to %(max)s).") % {"max": MAX_LATE_MINUTES}
                )
        return data

    def marks(self) -> dict[int, services.Mark]:
        """The students not simply present, as the service takes them."""
        found = {}
        for row in self.sheet.rows:
            pk = row.student.pk
            status = self.cleaned_data.get(f"status-{pk}", PRESENT)
            if status != PRESENT:
                minutes = self.cleaned_data.get(f"minutes-{pk}") if status == AttendanceMark.Status.LATE else None
                found[pk] = services.Mark(status, minutes)
        return found

    def refuse_stale(self, error: StaleEdit) -> None:
        """A first call refused because another one came first carries that one's version from now on."""
        if error.current is not None and "version" not in self.fields:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
        super().refuse_stale(error)

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        """The other person's marks, student by student (everyone else present)."""
        labels = dict(STATUS_CHOICES)
        names = {row.student.pk: str(row.student) for row in self.sheet.rows}
        rows: list[tuple[Any, str]] = []
        if isinstance(current, RollCall):
            for mark in selectors.roll_call_marks(current):
                text = str(labels.get(mark.status, mark.status))
                if mark.minutes_late:
                    text = _("%(status)s (%(minutes)s min)") % {"status": text, "minutes": mark.minutes_late}
                rows.append((names.get(mark.student_id, str(mark.student_id)), text))
        if not rows:
            rows.append((_("Everyone"), str(labels[PRESENT])))
        return rows


def _check_may_call(scope: Scope) -> None:
    """Only teachers (their own sessions) and school life call the roll."""
    if not (scope.has(H.CALL_ROLL) or scope.has(H.MANAGE)):
        raise PermissionDenied


def _day(text: str) -> datetime.date:
    """The day asked for (``?date=``, or a form's ``date``); today when absent or malformed."""
    try:
        value = datetime.date.fromisoformat(text)
        check_year_bounds(value)
    except (ValueError, ValidationError):
        return timezone.localdate()
    return value


def _back_url(scope: Scope, day: datetime.date) -> str:
    """Back from a roll call: to a teacher's roll calls of the day, or to school life's sessions not called."""
    name = "attendance:roll-call-list" if scope.has(H.CALL_ROLL) else "attendance:roll-call-missing"
    return f"{reverse(name)}?date={day.isoformat()}"


@requires(H.VIEW, service=SERVICE)
def roll_call(request: ScopedRequest, pk: int) -> HttpResponse:
    """Call (or correct) the roll of one session: one page, one submit."""
    scope = request.scope
    _check_may_call(scope)
    session = access.get_callable_session(scope, pk)
    sheet = selectors.roll_call_sheet(scope, session)
    form = RollCallForm(request.POST or None, sheet=sheet)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.roll_call_save(
                scope=scope, session=session, marks=form.marks(), version=form.shown_version
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            absent = sum(1 for m in form.marks().values() if m.status == AttendanceMark.Status.ABSENT)
            messages.success(
                request,
                ngettext("Roll call saved: %(n)s student absent.", "Roll call saved: %(n)s students absent.", absent)
                % {"n": absent},
            )
            if result.kept_justified:
                messages.warning(
                    request,
                    _(
                        "An absence or lateness already justified (or being justified) by the family was kept: "
                        "school life will close it."
                    ),
                )
            return redirect(_back_url(scope, session.date))
    context = {"form": form, "sheet": sheet, "session": session, "back_url": _back_url(scope, session.date)}
    return render(request, "attendance/roll_call_form.html", context)


@requires(H.CALL_ROLL, service=SERVICE)
def roll_call_list(request: ScopedRequest) -> HttpResponse:
    """A teacher's sessions of a day, each with its roll call's state (a cached part, see below)."""
    scope = request.scope
    day = _day(request.GET.get("date", ""))
    today = timezone.localdate()

    def render_day() -> str:
        context = {
            "day": day,
            "today": today,
            "sessions": selectors.roll_calls_of_day(scope, day),
            # A homeroom teacher's way to their class's monthly report (and from it, each student's history).
            "homeroom_classes": list(selectors.reportable_classes(scope).order_by("name")),
            "previous": day - datetime.timedelta(days=1),
            "next": day + datetime.timedelta(days=1),
        }
        return render_to_string("attendance/_roll_call_list_body.html", context, request)

    # Cached until one of the teacher's roll calls is made or corrected (ROLL_CALLS), the
    # timetable changes (a substitute, a cancellation), the classes do, or the names shown do.
    keys = [
        versions.key(versions.Kind.ROLL_CALLS, scope.user_id),
        versions.key(versions.Kind.TIMETABLE, scope.establishment_id),
        versions.key(versions.Kind.STRUCTURE, scope.establishment_id),
        versions.key(versions.Kind.PEOPLE, scope.establishment_id),
    ]
    stamp = (day, today, sorted(scope.habilitations), *versions.stamp(*keys))
    body = fragments.cached(request, "attendance-roll-calls", stamp, render_day)
    return render(request, "attendance/roll_call_list.html", {"body": body, "day": day, "today": today})


@requires(H.MANAGE, service=SERVICE)
def roll_call_missing(request: ScopedRequest) -> HttpResponse:
    """For school life: the day's started sessions whose roll was not called, and one button to remind."""
    day = _day(request.GET.get("date", ""))
    context = {
        "day": day,
        "sessions": selectors.roll_calls_missing(request.scope, day),
        "previous": day - datetime.timedelta(days=1),
        "next": day + datetime.timedelta(days=1),
    }
    return render(request, "attendance/roll_call_missing.html", context)


@require_POST
@requires(H.MANAGE, service=SERVICE)
def roll_call_remind(request: ScopedRequest) -> HttpResponse:
    """Remind each teacher whose sessions of the day are not called yet: one notification each."""
    scope = request.scope
    day = _day(request.POST.get("date", ""))
    sessions = list(selectors.roll_calls_missing(scope, day))
    services.roll_call_remind(scope=scope, sessions=sessions)
    teachers = len({s.teacher_id for s in sessions})
    if teachers:
        messages.success(
            request,
            ngettext("%(n)s teacher reminded.", "%(n)s teachers reminded.", teachers) % {"n": teachers},
        )
    else:
        messages.info(request, _("Every roll of the day is called: nobody to remind."))
    return redirect(f"{reverse('attendance:roll-call-missing')}?date={day.isoformat()}")
