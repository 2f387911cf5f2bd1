"""The agendas' pages: the week, the upcoming events, an event, its form, invitations."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.communities import access as communities_access
from romsie.core import fragments, versions
from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import person_choice, show_error
from romsie.core.ids import parse_id

from . import access, forms, selectors, services
from .habilitations import AgendaHabilitation as H
from .models import Event

SERVICE = "agenda"


def _monday(value: str | None) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        day = timezone.localdate()
    if not datetime.date(1900, 1, 8) <= day <= datetime.date(2100, 12, 24):
        day = timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())


def _agenda_filter(request: ScopedRequest) -> str:
    value = request.GET.get("agenda", "")
    return value if value in Event.Agenda.values else ""


def _stamp(request: ScopedRequest) -> tuple[object, ...]:
    scope = request.scope
    return versions.stamp(
        versions.key(versions.Kind.AGENDA, scope.establishment_id),
        versions.key(versions.Kind.AGENDA_PERSON, scope.user_id),
        versions.key(versions.Kind.STRUCTURE, scope.establishment_id),
    )


@requires(H.VIEW, service=SERVICE)
def week(request: ScopedRequest) -> HttpResponse:
    """The person's week: a day list on a phone, a grid on a wide screen (cached until a change)."""
    scope = request.scope
    monday, agenda = _monday(request.GET.get("semaine")), _agenda_filter(request)

    def render_body() -> str:
        days = selectors.week(scope, monday, agenda=agenda)
        context = {"days": days, "today": timezone.localdate(), "agenda": agenda}
        return render_to_string("agenda/_week_body.html", context, request=request)

    stamp = (monday, agenda, timezone.localdate(), *_stamp(request))
    body = fragments.cached(request, "agenda-week", stamp, render_body)
    context = {
        "body": body,
        "monday": monday,
        "sunday": monday + datetime.timedelta(days=6),
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
        "agenda": agenda,
        "agendas": Event.Agenda.choices,
        "may_create": True,
    }
    return render(request, "agenda/week.html", context)


@requires(H.VIEW, service=SERVICE)
def upcoming(request: ScopedRequest) -> HttpResponse:
    """The events of the coming month, as a list."""
    scope, agenda = request.scope, _agenda_filter(request)
    events = selectors.upcoming(scope, agenda=agenda)
    return render(
        request, "agenda/upcoming.html", {"events": events, "agenda": agenda, "agendas": Event.Agenda.choices}
    )


@requires(H.VIEW, service=SERVICE)
def event_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """An event: what, when, where; the person's invitation and answer; the answers for its organiser."""
    scope = request.scope
    event = access.get_event(scope, pk)
    invitation = access.own_invitation(scope, event)
    may_edit = access.can_edit_event(scope, event)
    context = {
        "event": event,
        "invitation": invitation,
        "answer_form": forms.AnswerForm(initial={"answer": invitation.answer}) if invitation else None,
        "may_edit": may_edit,
        "may_invite": access.can_invite(scope, event),
        "invitations": selectors.invitations_of(event) if may_edit and not event.is_personal else [],
    }
    return render(request, "agenda/event_detail.html", context)


@requires(H.VIEW, service=SERVICE)
def event_create(request: ScopedRequest) -> HttpResponse:
    """Create an event in one's personal agenda, or in a class's or the establishment's one may publish in."""
    scope = request.scope
    initial = {}
    if request.GET.get("communaute"):
        initial = {"agenda": Event.Agenda.COMMUNITY, "community": parse_id(request.GET["communaute"])}
    form = forms.EventForm(request.POST or None, scope=scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                scope=scope,
                agenda=form.cleaned_data["agenda"],
                data=form.event_data(),
                school_class=form.school_class(),
                audience=form.audience(),
                community=form.community(),
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The event is in the agenda."))
            return redirect("agenda:event-detail", event.pk)
    return render(request, "agenda/event_form.html", {"form": form, "event": None})


@requires(H.VIEW, service=SERVICE)
def event_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change an event one may edit (a stale save is refused, showing the other person's version)."""
    scope = request.scope
    event = access.get_editable_event(scope, pk)
    form = forms.EventForm(request.POST or None, scope=scope, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(
                scope=scope, event=event, data=form.event_data(), version=form.shown_version, audience=form.audience()
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("agenda:event-detail", event.pk)
    return render(request, "agenda/event_form.html", {"form": form, "event": event})


@requires(H.VIEW, service=SERVICE)
def event_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Confirm, then delete an event one may edit."""
    scope = request.scope
    event = access.get_editable_event(scope, pk)
    if request.method == "POST":
        try:
            services.event_delete(scope=scope, event=event)
        except ApplicationError as error:
            show_error(request, error)
            return redirect("agenda:event-detail", event.pk)
        messages.success(request, _("The event is deleted."))
        return redirect("agenda:week")
    return render(request, "agenda/event_confirm_delete.html", {"event": event})


@requires(H.VIEW, service=SERVICE)
def event_invite(request: ScopedRequest, pk: int) -> HttpResponse:
    """Invite people of the establishment to a shared event one organises."""
    scope = request.scope
    event = access.get_editable_event(scope, pk)
    if not access.can_invite(scope, event):
        return redirect("agenda:event-detail", event.pk)
    form = forms.InviteForm(request.POST or None, scope=scope, query=request.POST.get("q", ""))
    if request.method == "POST" and "picker_search" not in request.POST and form.is_valid():
        try:
            count = services.event_invite(scope=scope, event=event, invitee_ids=form.invitee_ids())
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("%(count)d people invited.") % {"count": count})
            return redirect("agenda:event-detail", event.pk)
    return render(request, "agenda/event_invite.html", {"form": form, "event": event})


@require_POST
@requires(H.VIEW, service=SERVICE)
def invitation_answer(request: ScopedRequest, pk: int) -> HttpResponse:
    """Answer one's invitation to an event."""
    scope = request.scope
    event = access.get_event(scope, pk)
    form = forms.AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Choose accept, decline or maybe."))
        services.invitation_answer(scope=scope, event=event, answer=form.cleaned_data["answer"])
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Your answer is recorded."))
    return redirect("agenda:event-detail", event.pk)


@requires(H.VIEW, service=SERVICE)
def people_search(request: ScopedRequest) -> HttpResponse:
    """The people matching a name among those one may invite (the picker's live search)."""
    query = request.GET.get("q", "").strip()[:100]
    people = [person_choice(p) for p in forms._matching(request.scope, query)]
    context = {"people": people, "query": query, "name": "invitees", "base": "id_invitees"}
    return render(request, "core/widgets/_picker_people.html", context)


@requires(H.VIEW, service=SERVICE)
def community(request: ScopedRequest, pk: int) -> HttpResponse:
    """A community's agenda: its coming events, for its members (anyone else: 404)."""
    scope = request.scope
    found = communities_access.get_community(scope, pk)
    events = selectors.community_upcoming(scope, found)
    context = {"community": found, "events": events, "may_create": communities_access.is_managing(found)}
    return render(request, "agenda/community.html", context)
