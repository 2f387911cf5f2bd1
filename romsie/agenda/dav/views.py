"""CalDAV: the person's agendas in a phone's or a computer's calendar application.

Hand-written and small, over the protocol-generic :mod:`romsie.core.dav`. Each request
authenticates itself (HTTP Basic with an app password or the ENT password: the documents'
WebDAV authentication, :mod:`romsie.documents.dav.auth`, reused), then computes the person's
scope as a page would (their default establishment). The URL space:

* ``/.well-known/caldav`` redirects to ``/caldav/``;
* ``/caldav/`` answers ``current-user-principal``;
* ``/caldav/<username>/`` is both the principal and the calendar home (another person's: 404);
* ``/caldav/<username>/personal/`` — the personal agenda, read-write;
* ``/caldav/<username>/establishment/`` and ``/caldav/<username>/classes/`` — the establishment's
  and the classes' events the person may see, read-only (a write is 403);
* ``<calendar>/<uid>.ics`` — one event, with an ETag made of its id and version: ``If-Match``
  and ``If-None-Match`` are honoured (412), and a write claims the version as the forms do.

Every event goes through the agenda's gates (``access.visible_events``) and services, so what a
calendar application sees and changes is exactly what the pages show and allow.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

import icalendar
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from romsie.core import dav
from romsie.core.access.declarations import public
from romsie.core.access.scope import Scope
from romsie.core.concurrency import StaleEdit
from romsie.core.dav import CALDAV, CALSERVER, DAV, DavError, qname
from romsie.core.errors import ApplicationError
from romsie.documents.dav import auth
from romsie.identity.models import User
from romsie.identity.scope import build_scope

from .. import access, services
from ..feeds import plain_text
from ..habilitations import AgendaHabilitation
from ..models import Event

SERVICE = "agenda"
ROOT = "caldav"
ALLOW = ["OPTIONS", "GET", "HEAD", "PUT", "DELETE", "PROPFIND", "REPORT"]
COMPLIANCE = ["1", "3", "calendar-access"]
PERSONAL, ESTABLISHMENT, CLASSES = "personal", "establishment", "classes"
CALENDARS = {
    PERSONAL: (Event.Agenda.PERSONAL, True),
    ESTABLISHMENT: (Event.Agenda.ESTABLISHMENT, False),
    CLASSES: (Event.Agenda.CLASS, False),
}
PRODID = "-//ROMSIE CE//Agenda//FR"


def _names() -> dict[str, str]:
    return {PERSONAL: _("My agenda"), ESTABLISHMENT: _("Establishment"), CLASSES: _("My classes")}


@public
def well_known(request: HttpRequest) -> HttpResponse:
    """``/.well-known/caldav``: where the CalDAV service is (RFC 6764)."""
    return HttpResponseRedirect("/caldav/")


@public
@csrf_exempt
def endpoint(request: HttpRequest, path: str | None = None) -> HttpResponse:
    """Every CalDAV request under ``/caldav/``: authenticate, compute the scope, answer."""
    user = auth.authenticated(request)
    if isinstance(user, HttpResponse):
        return user
    scope = build_scope(request)
    if SERVICE not in scope.services or not scope.has(AgendaHabilitation.VIEW):
        return HttpResponse(_("The agenda service is not open to you."), status=403, content_type="text/plain")
    return Endpoint(request, scope, user).respond(path)


def _etag(event: Event) -> str:
    return dav.versioned_etag(event.pk, event.version)


def to_ical(events: list[Event]) -> bytes:
    """The iCalendar text of events (one ``VCALENDAR``)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    for event in events:
        item = icalendar.Event()
        item.add("uid", event.uid)
        item.add("dtstamp", event.updated_at or timezone.now())
        item.add("last-modified", event.updated_at or timezone.now())
        if event.is_all_day:
            first = timezone.localtime(event.starts_at).date()
            item.add("dtstart", first)
            item.add("dtend", max(timezone.localtime(event.ends_at).date(), first + datetime.timedelta(days=1)))
        else:
            item.add("dtstart", event.starts_at)
            item.add("dtend", event.ends_at)
        item.add("summary", event.title)
        if event.description:
            item.add("description", plain_text(event.description))
        if event.place:
            item.add("location", event.place)
        item.add("categories", [str(event.get_category_display())])
        item.add("sequence", event.version)
        calendar.add_component(item)
    result: bytes = calendar.to_ical()
    return result


def _as_datetime(value: Any) -> tuple[datetime.datetime, bool]:
    """A DTSTART/DTEND value as an aware datetime, and whether it was a date (all day)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value, False
    if isinstance(value, datetime.date):
        return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min)), True
    raise DavError(400, "DTSTART must be a date or a date-time")


def from_ical(body: bytes, expected_uid: str) -> services.EventData:
    """Read one event of a client's iCalendar body (its first ``VEVENT``)."""
    try:
        calendar = icalendar.Calendar.from_ical(body)
    except (ValueError, IndexError, KeyError, TypeError) as error:
        raise DavError(400, "malformed iCalendar body") from error
    found = list(calendar.walk("VEVENT"))
    if not found:
        raise DavError(400, "no VEVENT in the body")
    item = found[0]
    if str(item.get("uid", "")) != expected_uid:
        raise DavError(400, "the resource name must be the event's UID followed by .ics")
    if item.get("dtstart") is None:
        raise DavError(400, "DTSTART is required")
    starts, all_day = _as_datetime(item.decoded("dtstart"))
    if item.get("dtend") is not None:
        ends, _date = _as_datetime(item.decoded("dtend"))
    elif item.get("duration") is not None:
        ends = starts + item.decoded("duration")
    else:
        ends = starts + (datetime.timedelta(days=1) if all_day else datetime.timedelta(0))
    return services.EventData(
        title=str(item.get("summary", "")) or _("(no title)"),
        starts_at=starts,
        ends_at=ends,
        description=str(item.get("description", "")),
        place=str(item.get("location", "")),
        is_all_day=all_day,
    )


def _parse_utc(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    except ValueError as error:
        raise DavError(400, "bad time-range") from error


class Endpoint(dav.PersonalEndpoint):
    """One CalDAV request of one person."""

    root = ROOT
    home_set = qname(CALDAV, "calendar-home-set")
    allow = ALLOW
    compliance = COMPLIANCE

    def __init__(self, request: HttpRequest, scope: Scope, user: User) -> None:
        super().__init__(request, user)
        self.scope = scope

    # -- paths -----------------------------------------------------------------------------

    def calendar_href(self, name: str) -> str:
        return self.href(name, collection=True)

    def object_href(self, name: str, event: Event) -> str:
        return self.href(name, f"{event.uid}.ics")

    def answer(self, path: str) -> HttpResponse:
        method = self.request.method or "GET"
        if method == "OPTIONS":
            return dav.options_response(ALLOW, COMPLIANCE)
        parts = self.path_parts(path)
        if parts is None:
            return self.dispatch(method, {"PROPFIND": self.propfind_root})
        if not parts:
            return self.dispatch(method, {"PROPFIND": self.propfind_home})
        if parts[0] not in CALENDARS:
            raise DavError(404, "not found")
        name = parts[0]
        if len(parts) == 1:
            return self.dispatch(
                method, {"PROPFIND": lambda: self.propfind_calendar(name), "REPORT": lambda: self.report(name)}
            )
        if len(parts) == 2 and parts[1].endswith(".ics"):
            uid = parts[1].removesuffix(".ics")
            return self.dispatch(
                method,
                {
                    "GET": lambda: self.get(name, uid),
                    "HEAD": lambda: self.get(name, uid),
                    "PUT": lambda: self.put(name, uid),
                    "DELETE": lambda: self.delete(name, uid),
                    "PROPFIND": lambda: self.propfind_object(name, uid),
                },
            )
        raise DavError(404, "not found")

    # -- events ----------------------------------------------------------------------------

    def events(self, name: str) -> QuerySet[Event]:
        agenda, _writable = CALENDARS[name]
        events = access.visible_events(self.scope).filter(agenda=agenda)
        if agenda == Event.Agenda.PERSONAL:
            events = events.filter(owner_id=self.user.pk)
        return events

    def event(self, name: str, uid: str) -> Event | None:
        return self.events(name).filter(uid=uid).order_by("pk").first()

    # -- PROPFIND --------------------------------------------------------------------------

    def home_resource(self) -> dav.Resource:
        address: Any = dav.href_element(f"mailto:{self.user.email}") if self.user.email else []
        props = {**self.home_props(), qname(CALDAV, "calendar-user-address-set"): address}
        return dav.Resource(self.home_href(), props)

    def calendar_resource(self, name: str) -> dav.Resource:
        _agenda, writable = CALENDARS[name]
        summary = self.events(name).aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
        last = summary["last"].timestamp() if summary["last"] else 0
        tag = f"{summary['n']}-{summary['top'] or 0}-{last:.6f}"
        props = {
            **self.common_props(),
            qname(DAV, "resourcetype"): [dav.element(qname(DAV, "collection")), dav.element(qname(CALDAV, "calendar"))],
            qname(DAV, "displayname"): _names()[name],
            qname(CALDAV, "supported-calendar-component-set"): dav.element(qname(CALDAV, "comp"), name="VEVENT"),
            qname(CALSERVER, "getctag"): tag,
            qname(DAV, "getetag"): dav.quoted_etag(tag),
            qname(DAV, "current-user-privilege-set"): dav.privileges(write=writable),
        }
        return dav.Resource(self.calendar_href(name), props)

    def object_resource(self, name: str, event: Event, with_data: bool = False) -> dav.Resource:
        props: dict[str, Any] = {
            qname(DAV, "getetag"): _etag(event),
            qname(DAV, "getcontenttype"): "text/calendar; charset=utf-8; component=VEVENT",
            qname(DAV, "resourcetype"): None,
        }
        if with_data:
            props[qname(CALDAV, "calendar-data")] = to_ical([event]).decode()
        return dav.Resource(self.object_href(name, event), props)

    def propfind_home(self) -> HttpResponse:
        wanted = dav.propfind_request(dav.parse_body(self.request))
        depth = self.finite_depth()
        responses = [dav.response_element(self.home_resource(), wanted)]
        if depth == "1":
            responses += [dav.response_element(self.calendar_resource(name), wanted) for name in CALENDARS]
        return dav.multistatus(responses)

    def propfind_calendar(self, name: str) -> HttpResponse:
        wanted = dav.propfind_request(dav.parse_body(self.request))
        depth = self.finite_depth()
        responses = [dav.response_element(self.calendar_resource(name), wanted)]
        if depth == "1":
            responses += [dav.response_element(self.object_resource(name, e), wanted) for e in self.events(name)]
        return dav.multistatus(responses)

    def propfind_object(self, name: str, uid: str) -> HttpResponse:
        wanted = dav.propfind_request(dav.parse_body(self.request))
        event = self.event(name, uid)
        if event is None:
            raise DavError(404, "not found")
        return dav.multistatus([dav.response_element(self.object_resource(name, event), wanted)])

    # -- REPORT ----------------------------------------------------------------------------

    def report(self, name: str) -> HttpResponse:
        root = dav.parse_body(self.request)
        if root is None:
            raise DavError(400, "a REPORT needs a body")
        wanted = dav.requested_props(root)
        if root.tag == qname(CALDAV, "calendar-multiget"):
            by_uid: dict[str, str] = {}
            for sent in dav.report_hrefs(root):
                leaf = unquote(urlsplit(sent).path.rstrip("/").rsplit("/", 1)[-1])
                by_uid[leaf.removesuffix(".ics")] = sent
            found = {e.uid: e for e in self.events(name).filter(uid__in=list(by_uid))}
            responses = [
                dav.response_element(self.object_resource(name, found[uid], with_data=True), wanted)
                if uid in found
                else dav.missing_response(sent)
                for uid, sent in by_uid.items()
            ]
            return dav.multistatus(responses)
        if root.tag == qname(CALDAV, "calendar-query"):
            events = self.events(name)
            start, end = self._time_range(root)
            if start is not None:
                events = events.filter(ends_at__gt=start)
            if end is not None:
                events = events.filter(starts_at__lt=end)
            return dav.multistatus(
                [dav.response_element(self.object_resource(name, e, with_data=True), wanted) for e in events]
            )
        raise DavError(403, "this REPORT is not supported")

    def _time_range(self, root: Element) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        comp = root.find(f"{qname(CALDAV, 'filter')}/{qname(CALDAV, 'comp-filter')}")
        if comp is None or comp.get("name", "").upper() != "VCALENDAR":
            raise DavError(400, "a calendar-query filters on VCALENDAR")
        inner = comp.find(qname(CALDAV, "comp-filter"))
        if inner is None:
            return None, None
        if inner.get("name", "").upper() != "VEVENT":
            return datetime.datetime.max.replace(tzinfo=datetime.UTC), None  # only events here: nothing
        time_range = inner.find(qname(CALDAV, "time-range"))
        if time_range is None:
            return None, None
        return _parse_utc(time_range.get("start")), _parse_utc(time_range.get("end"))

    # -- GET, PUT, DELETE ------------------------------------------------------------------

    def get(self, name: str, uid: str) -> HttpResponse:
        event = self.event(name, uid)
        if event is None:
            raise DavError(404, "not found")
        response = HttpResponse(to_ical([event]), content_type="text/calendar; charset=utf-8")
        response["ETag"] = _etag(event)
        return response

    def _writable(self, name: str) -> None:
        if not CALENDARS[name][1]:
            raise DavError(403, "this calendar is read-only")

    def put(self, name: str, uid: str) -> HttpResponse:
        self._writable(name)
        event = self.event(name, uid)
        dav.check_preconditions(self.request, _etag(event) if event else None)
        if len(self.request.body) > dav.MAX_BODY_BYTES:
            raise DavError(413, "request body too large")
        data = from_ical(self.request.body, uid)
        try:
            if event is None:
                event = services.event_create(scope=self.scope, agenda=Event.Agenda.PERSONAL, data=data, uid=uid)
                status = 201
            else:
                shown = dav.version_of(self.request.META.get("HTTP_IF_MATCH")) or event.version
                event = services.event_update(scope=self.scope, event=event, data=data, version=shown)
                status = 204
        except ApplicationError as error:
            if error.extra.get("reason") == "uid_taken":
                raise DavError(409, error.message) from error
            if isinstance(error, StaleEdit):
                raise DavError(412, error.message) from error
            raise DavError(403, error.message) from error
        response = HttpResponse(status=status)
        response["ETag"] = _etag(event)
        return response

    def delete(self, name: str, uid: str) -> HttpResponse:
        self._writable(name)
        event = self.event(name, uid)
        if event is None:
            raise DavError(404, "not found")
        dav.check_preconditions(self.request, _etag(event))
        shown = dav.version_of(self.request.META.get("HTTP_IF_MATCH"))
        try:
            services.event_delete(scope=self.scope, event=event, version=shown)
        except ApplicationError as error:
            raise DavError(412 if isinstance(error, StaleEdit) else 403, error.message) from error
        return HttpResponse(status=204)
