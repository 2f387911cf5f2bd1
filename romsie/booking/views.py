"""Pages of resource booking: resources, a resource's day and week, booking, my bookings, validation, management."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from romsie.core import fragments
from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import MAX_YEAR, MIN_YEAR, show_error

from . import access, forms, selectors, services
from .habilitations import BookingHabilitation as H
from .models import Resource, ResourceKind

SERVICE = "booking"


def _date(value: str | None) -> datetime.date | None:
    """A date of the query string (``2026-12-07``), or None when it is not one (never a 500)."""
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if MIN_YEAR <= day.year <= MAX_YEAR else None


def _time(value: str | None) -> datetime.time | None:
    try:
        return datetime.time.fromisoformat(value or "")
    except ValueError:
        return None


@requires(H.BOOK, service=SERVICE)
def resource_list(request: ScopedRequest) -> HttpResponse:
    """The resources by kind, with links to one's bookings, the validation queue and management."""
    scope = request.scope

    def render_list() -> str:
        context = {"groups": selectors.resources_by_kind(scope), "manages": access.manages_any(scope)}
        return render_to_string("booking/_resource_list_body.html", context, request)

    body = fragments.cached(request, "booking-resources", selectors.resource_list_stamp(scope), render_list)
    return render(request, "booking/resource_list.html", {"body": body})


def _schedule(request: ScopedRequest, pk: int, *, week: bool) -> HttpResponse:
    scope = request.scope
    resource = access.get_resource(scope, pk)
    asked = _date(request.GET.get("semaine" if week else "jour")) or timezone.localdate()
    first = selectors.monday_of(asked) if week else asked
    count = 7 if week else 1
    days = selectors.resource_days(scope, resource, first, count)
    if week:  # Saturday and Sunday only when something happens then
        days = [d for d in days if d.date.weekday() < 5 or any(not s.is_free for s in d.slots)]
    step = datetime.timedelta(days=count)
    context = {
        "resource": resource,
        "days": days,
        "first": first,
        "last": first + step - datetime.timedelta(days=1),
        "previous": first - step,
        "next": first + step,
        "week": week,
        "can_book": access.can_book(scope, resource),
    }
    return render(request, "booking/resource_schedule.html", context)


@requires(H.BOOK, service=SERVICE)
def resource_week(request: ScopedRequest, pk: int) -> HttpResponse:
    """A resource's week: a grid of the days on a wide screen, the days one under the other on a phone."""
    return _schedule(request, pk, week=True)


@requires(H.BOOK, service=SERVICE)
def resource_day(request: ScopedRequest, pk: int) -> HttpResponse:
    """A resource's day: lessons, bookings and free times to book."""
    return _schedule(request, pk, week=False)


@requires(H.BOOK, service=SERVICE)
def booking_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """Book a resource, prefilled from the free time clicked in its day or week."""
    scope = request.scope
    resource = access.get_resource(scope, pk)
    if not access.can_book(scope, resource):
        raise PermissionDenied
    initial: dict[str, Any] = {
        "day": _date(request.GET.get("jour")) or timezone.localdate(),
        "starts_at": _time(request.GET.get("debut")),
        "ends_at": _time(request.GET.get("fin")),
    }
    form = forms.BookingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.booking_create(
                scope=scope,
                resource=resource,
                starts_at=form.starts(),
                ends_at=form.ends(),
                purpose=form.cleaned_data["purpose"],
                until=form.until_date(),
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            first = created[0]
            if first.status == first.Status.PENDING:
                messages.success(request, _("Your booking awaits a manager's validation."))
            else:
                messages.success(
                    request,
                    ngettext("The resource is booked.", "The resource is booked on %(count)s dates.", len(created))
                    % {"count": len(created)},
                )
            day = timezone.localtime(first.starts_at).date()
            return redirect(f"{reverse('booking:resource-week', args=[resource.pk])}?semaine={day.isoformat()}")
    context = {"resource": resource, "form": form, "rules": resource.rules}
    return render(request, "booking/booking_form.html", context)


@requires(H.BOOK, service=SERVICE)
def mine(request: ScopedRequest) -> HttpResponse:
    """The person's bookings from today on."""
    return render(request, "booking/booking_mine.html", {"bookings": selectors.my_bookings(request.scope)})


@require_POST
@requires(H.BOOK, service=SERVICE)
def booking_cancel(request: ScopedRequest, pk: int) -> HttpResponse:
    """Cancel one's booking (or the rest of its weekly series): the slot is free at once."""
    scope = request.scope
    booking = access.get_own_booking(scope, pk)
    try:
        count = services.booking_cancel(scope=scope, booking=booking, whole_series=request.POST.get("serie") == "1")
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            ngettext("The booking is cancelled.", "%(count)s bookings are cancelled.", count) % {"count": count},
        )
    return redirect("booking:mine")


@requires(H.BOOK, service=SERVICE)
def queue(request: ScopedRequest) -> HttpResponse:
    """The bookings awaiting the person's validation."""
    scope = request.scope
    if not access.manages_any(scope):
        raise PermissionDenied
    return render(request, "booking/booking_queue.html", {"bookings": selectors.validation_queue(scope)})


@require_POST
@requires(H.BOOK, service=SERVICE)
def booking_validate(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    booking = access.get_managed_booking(scope, pk)
    try:
        services.booking_decide(scope=scope, booking=booking, validate=True)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The booking is validated; its author is told."))
    return redirect("booking:queue")


@requires(H.BOOK, service=SERVICE)
def booking_refuse(request: ScopedRequest, pk: int) -> HttpResponse:
    """Refuse a pending booking, with the reason its author will read."""
    scope = request.scope
    booking = access.get_managed_booking(scope, pk)
    form = forms.RefusalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_decide(scope=scope, booking=booking, validate=False, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The booking is refused; its author is told why."))
            return redirect("booking:queue")
    return render(request, "booking/booking_refuse.html", {"booking": booking, "form": form})


# -- Management ----------------------------------------------------------------------------


@requires(H.MANAGE, service=SERVICE)
def manager_search(request: ScopedRequest) -> HttpResponse:
    """The teachers and staff matching a name (the managers picker's search, with JavaScript)."""
    query = (request.GET.get("q") or "").strip()[:100]
    people = [forms._person(u) for u in selectors.manager_candidates_matching(request.scope, query)] if query else []
    context = {"people": people, "query": query, "name": "managers", "base": "id_managers"}
    return render(request, "core/widgets/_picker_people.html", context)


@requires(H.MANAGE, service=SERVICE)
def manage(request: ScopedRequest) -> HttpResponse:
    """Kinds of resource with their rules, and every resource (inactive ones included)."""
    scope = request.scope
    context = {"kinds": access.visible_kinds(scope), "resources": selectors.visible_resource_list(scope)}
    return render(request, "booking/manage.html", context)


@requires(H.MANAGE, service=SERVICE)
def kind_create(request: ScopedRequest) -> HttpResponse:
    return _kind_form(request, None)


@requires(H.MANAGE, service=SERVICE)
def kind_update(request: ScopedRequest, pk: int) -> HttpResponse:
    return _kind_form(request, access.get_kind(request.scope, pk))


def _kind_form(request: ScopedRequest, kind: ResourceKind | None) -> HttpResponse:
    title = kind.name if kind is not None else _("New kind of resource")

    def save(**fields: Any) -> Any:
        return services.kind_save(scope=request.scope, kind=kind, **fields)

    return _manage_form(request, forms.KindForm, kind, save, title, _("The kind of resource is saved."))


@requires(H.MANAGE, service=SERVICE)
def resource_create(request: ScopedRequest) -> HttpResponse:
    return _resource_form(request, None)


@requires(H.MANAGE, service=SERVICE)
def resource_update(request: ScopedRequest, pk: int) -> HttpResponse:
    return _resource_form(request, access.get_resource(request.scope, pk))


def _resource_form(request: ScopedRequest, resource: Resource | None) -> HttpResponse:
    title = resource.name if resource is not None else _("New resource")

    def save(**fields: Any) -> Any:
        return services.resource_save(scope=request.scope, resource=resource, **fields)

    return _manage_form(request, forms.ResourceForm, resource, save, title, _("The resource is saved."))


def _manage_form(
    request: ScopedRequest, form_class: Any, edited: Any, save: Callable[..., Any], title: str, saved: str
) -> HttpResponse:
    """Show and save a kind's or a resource's form; the service refuses a stale edit or a taken name."""
    scope = request.scope
    query = (request.POST.get("q") or "").strip()[:100]
    form = form_class(request.POST or None, instance=edited, scope=scope, query=query)
    # The picker's Search button (without JavaScript) shows the form again with the people found.
    if request.method == "POST" and "picker_search" not in request.POST and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        version = form.shown_version if edited is not None else None
        try:
            save(version=version, **fields)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, saved)
            return redirect("booking:manage")
    return render(request, "booking/manage_form.html", {"form": form, "title": title})
