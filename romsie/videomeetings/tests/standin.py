"""A small stand-in BigBlueButton server for tests: a real HTTP server in a thread.

It checks the checksum of every call with its shared secret, as BigBlueButton does
(``hash(callName + queryString + secret)``, the query string without its ``checksum``), and
answers BigBlueButton's XML: ``create`` is idempotent (the same ``meetingID`` gives the same
meeting), ``join`` answers a small page naming who joined and as what. Every call is recorded
in ``calls`` with whether its checksum was right.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape as xml_escape

API = "/bigbluebutton/api/"


@dataclass
class Call:
    name: str
    params: dict[str, str]
    is_signed: bool


@dataclass
class StandInBBB:
    """The stand-in; ``url`` is its API address, to configure as the territory's server."""

    secret: str
    algorithm: str = "sha256"
    calls: list[Call] = field(default_factory=list)
    meetings: dict[str, dict[str, str]] = field(default_factory=dict)
    httpd: Any = None
    thread: Any = None

    def start(self) -> StandInBBB:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                stand_in.answer(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/bigbluebutton/api"

    def signed_calls(self, name: str) -> list[Call]:
        return [c for c in self.calls if c.name == name and c.is_signed]

    def is_signed(self, name: str, query: str) -> bool:
        unsigned, sep, given = query.rpartition("&checksum=")
        if not sep:
            return False
        expected = hashlib.new(self.algorithm, f"{name}{unsigned}{self.secret}".encode()).hexdigest()
        return hmac.compare_digest(expected, given)

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        if not parts.path.startswith(API):
            return self._send(request, 404, "text/plain", "not found")
        name = parts.path[len(API) :]
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        signed = self.is_signed(name, parts.query)
        self.calls.append(Call(name, params, signed))
        if not signed:
            return self._xml(request, "FAILED", "checksumError", "You did not pass the checksum security check")
        if name == "create":
            meeting_id = params.get("meetingID", "")
            if not meeting_id:
                return self._xml(request, "FAILED", "missingParamMeetingID", "You must specify a meetingID")
            duplicate = meeting_id in self.meetings
            self.meetings.setdefault(meeting_id, {"name": params.get("name", "")})
            key = "duplicateWarning" if duplicate else ""
            return self._xml(request, "SUCCESS", key, "", f"<meetingID>{xml_escape(meeting_id)}</meetingID>")
        if name == "join":
            if params.get("meetingID") not in self.meetings:
                return self._xml(request, "FAILED", "invalidMeetingIdentifier", "The meeting ID does not exist")
            who = f"{params.get('fullName', '')} ({params.get('role', '')})"
            page = (
                '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
                "<title>Stand-in BigBlueButton</title>"
                f'</head><body><main><h1>Stand-in BigBlueButton</h1><p id="joined">{escape(who)}</p></main>'
                "</body></html>"
            )
            return self._send(request, 200, "text/html; charset=utf-8", page)
        return self._xml(request, "FAILED", "unsupported", name)

    def _xml(self, request: BaseHTTPRequestHandler, code: str, key: str, message: str, extra: str = "") -> None:
        body = f"<response><returncode>{code}</returncode>{extra}"
        if key:
            body += f"<messageKey>{key}</messageKey><message>{xml_escape(message)}</message>"
        self._send(request, 200, "text/xml", body + "</response>")

    def _send(self, request: BaseHTTPRequestHandler, status: int, kind: str, body: str) -> None:
        data = body.encode()
        request.send_response(status)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
