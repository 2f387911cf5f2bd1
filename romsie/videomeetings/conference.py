"""The signed calls to the territory's video-conference server: BigBlueButton or Jitsi.

BigBlueButton: every API call carries ``checksum = hash(callName + queryString + secret)``
(SHA-256 or SHA-1, as the server is configured), and answers XML whose ``returncode`` is
``SUCCESS`` or ``FAILED`` with a ``messageKey``. ``create`` is idempotent (a running meeting with
the same ``meetingID`` is returned as it is); ``join`` is not called by us: the person's browser
is sent to its signed URL.

Jitsi: the person's browser is sent to ``<base>/<room>?jwt=<token>``, a JWT signed HS256 with
the application secret, with the claims Jitsi's token authentication reads (``aud``, ``iss``,
``sub``, ``room``, ``nbf``, ``exp``, ``context.user`` with the display name and ``moderator``).

A server that does not answer, answers garbage or refuses a call raises :class:`ServerError`,
which the join view shows as a page of its own (never a 500).
"""

from __future__ import annotations

import datetime
import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import jwt
from defusedxml import ElementTree
from django.utils import timezone

from .models import VideoMeeting, VideoServer

TIMEOUT_SECONDS = 8
#: how long a Jitsi token stays valid after the meeting's planned end
TOKEN_MARGIN = datetime.timedelta(hours=1)


class ServerError(Exception):
    """The video-conference server could not be reached, or refused the call (``reason`` says why)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Participant:
    """Who joins: their id, display name and whether they moderate."""

    user_id: int
    name: str
    is_moderator: bool


def checksum(call: str, query: str, secret: str, algorithm: str = "sha256") -> str:
    """BigBlueButton's checksum of a call: ``hash(call + query + secret)`` in hexadecimal."""
    if algorithm not in ("sha1", "sha256", "sha384", "sha512"):
        raise ValueError(f"unsupported checksum algorithm {algorithm!r}")
    return hashlib.new(algorithm, f"{call}{query}{secret}".encode()).hexdigest()


def signed_url(server: VideoServer, call: str, params: list[tuple[str, str]]) -> str:
    """The URL of a BigBlueButton API call with its checksum (the parameters in the order given)."""
    query = urlencode(params)
    digest = checksum(call, query, server.secret, server.checksum_algorithm)
    return f"{server.url.rstrip('/')}/{call}?{query}&checksum={digest}"


def call(server: VideoServer, name: str, params: list[tuple[str, str]]) -> ElementTree.Element:
    """Make a BigBlueButton API call and return its XML answer; raise ServerError unless SUCCESS."""
    url = signed_url(server, name, params)
    if not url.startswith(("https://", "http://")):
        raise ServerError("bad_address", server.url)
    request = urllib.request.Request(url, headers={"User-Agent": "ROMSIE"})  # noqa: S310 (http(s) checked above)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (the territory's URL)
            body = response.read(1_000_000)
    except urllib.error.HTTPError as error:
        raise ServerError("http_error", str(error.code)) from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise ServerError("unreachable", str(error)) from error
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise ServerError("bad_answer", "not XML") from error
    if (root.findtext("returncode") or "").strip() != "SUCCESS":
        raise ServerError((root.findtext("messageKey") or "failed").strip(), (root.findtext("message") or "").strip())
    return root


def bbb_join_url(server: VideoServer, meeting: VideoMeeting, person: Participant) -> str:
    """Create the meeting on BigBlueButton (idempotent) and return the person's signed join URL."""
    call(
        server,
        "create",
        [
            ("name", meeting.title),
            ("meetingID", meeting.room),
            ("record", "false"),
            ("duration", str(meeting.duration_minutes + 60)),
        ],
    )
    return signed_url(
        server,
        "join",
        [
            ("fullName", person.name),
            ("meetingID", meeting.room),
            ("role", "MODERATOR" if person.is_moderator else "VIEWER"),
            ("userID", str(person.user_id)),
            ("redirect", "true"),
        ],
    )


def jitsi_token(
    server: VideoServer, meeting: VideoMeeting, person: Participant, *, now: datetime.datetime | None = None
) -> str:
    """The JWT (HS256, the application secret) that lets the person into the meeting's room."""
    now = now or timezone.now()
    expires = max(meeting.ends_at, now) + TOKEN_MARGIN
    claims = {
        "aud": "jitsi",
        "iss": server.app_id,
        "sub": urlsplit(server.url).hostname or "",
        "room": meeting.room,
        "nbf": int((now - datetime.timedelta(minutes=1)).timestamp()),
        "exp": int(expires.timestamp()),
        "context": {
            "user": {
                "id": str(person.user_id),
                "name": person.name,
                "moderator": "true" if person.is_moderator else "false",
            }
        },
        "moderator": person.is_moderator,
    }
    return jwt.encode(claims, server.secret, algorithm="HS256")


def jitsi_join_url(server: VideoServer, meeting: VideoMeeting, person: Participant) -> str:
    """The person's URL into the Jitsi room, with their token."""
    return f"{server.url.rstrip('/')}/{meeting.room}?{urlencode({'jwt': jitsi_token(server, meeting, person)})}"


def join_url(server: VideoServer, meeting: VideoMeeting, person: Participant) -> str:
    """Where to send the person's browser to join the meeting on the configured server."""
    if server.kind == VideoServer.Kind.JITSI:
        return jitsi_join_url(server, meeting, person)
    return bbb_join_url(server, meeting, person)
