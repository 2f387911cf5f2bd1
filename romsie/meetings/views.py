"""Parent–teacher meetings: the organiser's evenings, the teacher's slots and day, the guardian's booking."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core import fragments
from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error

from . import access, forms, selectors, services
from .habilitations import MeetingsHabilitation as H

SERVICE = "meetings"


@requires(H.VIEW, service=SERVICE)
def evening_list(request: ScopedRequest) -> HttpResponse:
    """The evenings the person takes part in, with what each may do there."""
    scope = request.scope

    def render_list() -> str:
        context = {
            "evenings": selectors.evening_stats(selectors.evening_list_for_person(scope)),
            "can_organise": scope.has(H.ORGANISE),
            "can_host": scope.has(H.HOST),
            "can_book": bool(access.child_ids(scope)),
        }
        return render_to_string("meetings/_evening_list_body.html", context, request)

    body = fragments.cached(request, "meetings-evenings", selectors.evening_list_stamp(scope), render_list)
    return render(request, "meetings/evening_list.html", {"body": body})


@requires(H.ORGANISE, service=SERVICE)
def evening_create(request: ScopedRequest) -> HttpResponse:
    scope = request.scope
    form = forms.EveningForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            evening = services.evening_create(scope=scope, data=form.evening_data())
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The evening is open: teachers can publish their slots."))
            return redirect("meetings:evening-overview", evening.pk)
    return render(request, "meetings/evening_form.html", {"form": form, "evening": None})


@requires(H.ORGANISE, service=SERVICE)
def evening_update(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    evening = access.get_organised_evening(scope, pk)
    form = forms.EveningForm(request.POST or None, scope=scope, evening=evening)
    if request.method == "POST" and form.is_valid():
        try:
            services.evening_update(scope=scope, evening=evening, data=form.evening_data(), version=form.shown_version)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("meetings:evening-overview", evening.pk)
    return render(request, "meetings/evening_form.html", {"form": form, "evening": evening})


@requires(H.ORGANISE, service=SERVICE)
def evening_overview(request: ScopedRequest, pk: int) -> HttpResponse:
    """Every teacher's slots of the evening, published and booked: the slot grid."""
    evening = access.get_organised_evening(request.scope, pk)
    rows = selectors.evening_overview(evening)
    context = {"evening": evening, "rows": rows, "counts": selectors.slot_counts(rows)}
    return render(request, "meetings/evening_overview.html", context)


@requires(H.HOST, service=SERVICE)
def slot_editor(request: ScopedRequest, pk: int) -> HttpResponse:
    """The teacher's slots of an evening, and the form that publishes more."""
    scope = request.scope
    evening = access.get_hosted_evening(scope, pk)
    form = forms.SlotsForm(request.POST or None, scope=scope, evening=evening)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.slots_generate(
                scope=scope,
                evening=evening,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                slot_minutes=data["slot_minutes"],
                room=data["room"],
                is_break=data["is_break"],
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("%(count)d slots published.") % {"count": len(made)})
            return redirect("meetings:slot-editor", evening.pk)
    slots = selectors.own_slots_of_evening(scope, evening)
    return render(request, "meetings/slot_editor.html", {"evening": evening, "form": form, "slots": slots})


@require_POST
@requires(H.HOST, service=SERVICE)
def slot_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    slot = access.get_own_slot(scope, pk)
    try:
        services.slot_delete(scope=scope, slot=slot)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Slot removed."))
    return redirect("meetings:slot-editor", slot.evening_id)


@requires(H.HOST, service=SERVICE)
def teacher_day(request: ScopedRequest, pk: int) -> HttpResponse:
    """The teacher's evening to print: time, room, child, class, guardian and room for notes."""
    scope = request.scope
    evening = access.get_hosted_evening(scope, pk)
    return render(
        request, "meetings/teacher_day.html", {"evening": evening, "rows": selectors.teacher_day(scope, evening)}
    )


@requires(H.BOOK, service=SERVICE)
def booking(request: ScopedRequest, pk: int) -> HttpResponse:
    """Book slots with several teachers for several children in one go, and see "your evening"."""
    scope = request.scope
    evening = access.get_bookable_evening(scope, pk)
    children = selectors.booking_page(scope, evening)
    form = forms.BookingForm(request.POST or None, children=children)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.appointments_book(scope=scope, evening=evening, choices=form.choices())
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("%(count)d meetings booked.") % {"count": len(made)})
            return redirect("meetings:booking", evening.pk)
    now = timezone.now()
    context = {
        "evening": evening,
        "form": form,
        "children": children,
        "summary": selectors.guardian_evening(scope, evening),
        "is_open": evening.booking_opens_at <= now <= evening.booking_closes_at,
    }
    return render(request, "meetings/booking.html", context)


@requires(H.VIEW, service=SERVICE)
def appointment_list(request: ScopedRequest) -> HttpResponse:
    """The person's meetings to come, as a guardian or as a teacher."""
    scope = request.scope
    appointments = selectors.my_appointments(scope, since=timezone.now())
    return render(request, "meetings/appointment_list.html", {"appointments": appointments})


@require_POST
@requires(H.VIEW, service=SERVICE)
def appointment_cancel(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    appointment = access.get_appointment(scope, pk)
    try:
        services.appointment_cancel(scope=scope, appointment=appointment)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The meeting is cancelled; the slot is free again."))
    if request.POST.get("next") == "booking" and scope.user_id == appointment.guardian_id:
        return redirect("meetings:booking", appointment.evening_id)
    return redirect("meetings:appointment-list")
