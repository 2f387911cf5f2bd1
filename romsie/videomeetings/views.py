"""The video meetings' pages: my meetings, a meeting's form, cancelling, joining, the territory's server."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from romsie.core.access.declarations import requires, territory_admin
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import person_choice, show_error
from romsie.core.ids import parse_id

from . import access, forms, selectors, services
from .habilitations import VideoMeetingsHabilitation as H

SERVICE = "videomeetings"


@requires(H.JOIN, service=SERVICE)
def meeting_list(request: ScopedRequest) -> HttpResponse:
    """The person's coming video meetings, each with its join link."""
    scope = request.scope
    context = {
        "meetings": selectors.meeting_list_for_person(scope),
        "has_server": selectors.has_server(scope),
        "may_organise": scope.has(H.ORGANISE),
        "user_id": scope.user_id,
    }
    return render(request, "videomeetings/meeting_list.html", context)


@requires(H.ORGANISE, service=SERVICE)
def meeting_create(request: ScopedRequest) -> HttpResponse:
    """Schedule a meeting for a class, an appointment or people one picks."""
    scope = request.scope
    form = forms.MeetingForm(request.POST or None, scope=scope, query=request.POST.get("q", ""))
    if request.method == "POST" and "picker_search" not in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_create(
                scope=scope,
                data=form.meeting_data(),
                kind=data["kind"],
                school_class=data.get("school_class"),
                with_guardians=bool(data.get("with_guardians")),
                appointment=data.get("appointment"),
                invitee_ids=form.invitee_ids(),
                community=data.get("community"),
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The meeting is scheduled and in the agenda; the people invited are told."))
            return redirect("videomeetings:meeting-list")
    return render(request, "videomeetings/meeting_form.html", {"form": form, "meeting": None})


@requires(H.ORGANISE, service=SERVICE)
def meeting_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change a meeting one organises (a stale save is refused, showing the other version)."""
    scope = request.scope
    meeting = access.get_organised_meeting(scope, pk)
    form = forms.MeetingForm(request.POST or None, scope=scope, meeting=meeting, query=request.POST.get("q", ""))
    if request.method == "POST" and "picker_search" not in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_update(
                scope=scope,
                meeting=meeting,
                data=form.meeting_data(),
                version=form.shown_version,
                with_guardians=data.get("with_guardians") if "with_guardians" in form.fields else None,
                invitee_ids=form.invitee_ids() if "invitees" in form.fields else None,
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("videomeetings:meeting-list")
    return render(request, "videomeetings/meeting_form.html", {"form": form, "meeting": meeting})


@requires(H.ORGANISE, service=SERVICE)
def meeting_cancel(request: ScopedRequest, pk: int) -> HttpResponse:
    """Confirm, then cancel a meeting one organises."""
    scope = request.scope
    meeting = access.get_organised_meeting(scope, pk)
    if request.method == "POST":
        try:
            services.meeting_cancel(scope=scope, meeting=meeting)
        except ApplicationError as error:
            show_error(request, error)
        else:
            messages.success(request, _("The meeting is cancelled; the people invited are told."))
        return redirect("videomeetings:meeting-list")
    return render(request, "videomeetings/meeting_cancel.html", {"meeting": meeting})


@requires(H.JOIN, service=SERVICE)
def meeting_join(request: ScopedRequest, pk: int) -> HttpResponse:
    """Send the person to the meeting on the territory's server, or say clearly why not."""
    scope = request.scope
    meeting = access.get_meeting(scope, pk)
    try:
        url = services.meeting_join_url(scope=scope, meeting=meeting, display_name=request.user.get_full_name())
    except ApplicationError as error:
        status = 503 if error.extra.get("reason") == "no_server" else 502
        context = {"meeting": meeting, "message": error.message}
        return render(request, "videomeetings/join_error.html", context, status=status)
    return redirect(url)


@requires(H.ORGANISE, service=SERVICE)
def people_search(request: ScopedRequest) -> HttpResponse:
    """The people matching a name among those one may invite (the picker's live search)."""
    query = request.GET.get("q", "").strip()[:100]
    people = [person_choice(p) for p in forms.matching_people(request.scope, query)]
    context = {"people": people, "query": query, "name": "invitees", "base": "id_invitees"}
    return render(request, "core/widgets/_picker_people.html", context)


@territory_admin
def server_settings(request: ScopedRequest) -> HttpResponse:
    """Configure the video-conference server of a territory one administers."""
    scope = request.scope
    territories = list(access.administered_territories(scope))
    chosen = parse_id(request.POST.get("territory") or request.GET.get("territory") or "")
    territory = (
        access.get_administered_territory(scope, chosen) if chosen is not None else next(iter(territories), None)
    )
    if territory is None:
        return render(request, "videomeetings/server_settings.html", {"territory": None, "territories": []})
    server = access.server_of_territory(territory)
    form = forms.ServerForm(request.POST or None, server=server)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.server_save(
                scope=scope,
                territory=territory,
                kind=data["kind"],
                url=data["url"],
                secret=data.get("secret") or "",
                checksum_algorithm=data["checksum_algorithm"],
                app_id=data.get("app_id") or "",
                version=form.shown_version,
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The video-conference server is saved."))
            return redirect(f"{request.path}?territory={territory.pk}")
    context = {"form": form, "territory": territory, "territories": territories, "server": server}
    return render(request, "videomeetings/server_settings.html", context)
