"""The WebDAV endpoint (``/dav/``) and the app passwords' page.

The endpoint is a Django view wrapping the WsgiDAV application, so ``make run`` (runserver),
gunicorn and the test client serve it alike, behind the same capacity gate. It is ``@public``
for the access middleware because it authenticates each request itself (HTTP Basic, see
:mod:`.auth`), then computes the person's scope as a page would for someone who just signed in:
their default establishment (:func:`romsie.identity.scope.build_scope` with an empty session).
Without ``documents.use`` there, or with the service switched off, everything is 403.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.contrib import messages
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from romsie.core.access.declarations import public, signed_in
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.identity.scope import build_scope

from .. import access
from . import app, auth, selectors, services
from .provider import SCOPE_KEY

SERVICE = "documents"
FINITE_DEPTH = '<?xml version="1.0" encoding="utf-8"?>\n<D:error xmlns:D="DAV:"><D:propfind-finite-depth/></D:error>\n'
# Hop-by-hop headers belong to the server, not to an application's response.
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
               "transfer-encoding", "upgrade"}  # fmt: skip


def _plain(status: int, text: str, **headers: str) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _content_length(environ: dict[str, Any]) -> int:
    try:
        return max(0, int(environ.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class _Body:
    """WsgiDAV's answer, from the chunk already read on; closed by Django after the response."""

    def __init__(self, first: list[bytes], rest: Iterator[bytes], result: Iterable[bytes]) -> None:
        self.first, self.rest, self.result = first, rest, result

    def __iter__(self) -> Iterator[bytes]:
        yield from self.first
        yield from self.rest

    def close(self) -> None:
        close = getattr(self.result, "close", None)
        if close is not None:
            close()


def _serve(request: HttpRequest, environ: dict[str, Any]) -> StreamingHttpResponse:
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started["status"], started["headers"] = status, headers
        return lambda data: None

    result = app.application()(environ, start_response)
    iterator = iter(result)
    first: list[bytes] = []
    # WsgiDAV works lazily: the request is handled when its answer is first read.
    while "status" not in started:
        chunk = next(iterator, None)
        if chunk is None:
            break
        first.append(chunk)
    code, _space, reason = started.get("status", "500 Internal Server Error").partition(" ")
    response = StreamingHttpResponse(_Body(first, iterator, result), status=int(code), reason=reason or None)
    for name, value in started.get("headers", []):
        if name.lower() not in _HOP_BY_HOP:
            response[name] = value
    if request.method == "GET" and response.status_code in (200, 206):
        # A browser opening a file's address downloads it, never renders it (as the pages serve files).
        response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response


@public
@csrf_exempt
def endpoint(request: HttpRequest, path: str = "") -> HttpResponseBase:
    """Every WebDAV request under ``/dav/``: authenticate, compute the scope, hand over to WsgiDAV."""
    user = auth.authenticated(request)
    if isinstance(user, HttpResponse):
        return user
    scope = build_scope(request)
    if SERVICE not in scope.services or not access.may_use(scope):
        return _plain(403, _("The documents service is not open to you."))
    if request.method == "PROPFIND" and request.META.get("HTTP_DEPTH", "infinity").strip().lower() == "infinity":
        # A whole tree in one answer is refused (RFC 4918 §9.1): clients list a folder at a time.
        return HttpResponse(FINITE_DEPTH, status=403, content_type="application/xml; charset=utf-8")
    environ = dict(request.META)  # the WSGI environ, with the request's body stream
    # Django already decoded the path (UTF-8): WsgiDAV is told not to decode it again.
    environ["SCRIPT_NAME"] = request.META.get("SCRIPT_NAME", "").rstrip("/") + app.MOUNT_PATH
    environ["PATH_INFO"] = request.path_info[len(app.MOUNT_PATH) :] or "/"
    if "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        # WsgiDAV reads the body until the stream ends: end it at Content-Length, as Django does
        # (gunicorn ends a chunked body itself).
        environ["wsgi.input"] = LimitedStream(environ["wsgi.input"], _content_length(environ))
    environ.setdefault("HTTP_HOST", request.get_host())  # COPY and MOVE compare it with Destination
    environ["wsgidav.auth.user_name"] = user.get_username()
    environ["wsgidav.auth.realm"] = auth.REALM
    environ[SCOPE_KEY] = scope
    return _serve(request, environ)


# -- App passwords -------------------------------------------------------------------------


class AppPasswordForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("Device or program"),
        max_length=100,
        help_text=gettext_lazy("For example “Laptop – file manager” or “Phone”."),
    )


@signed_in
def app_passwords(request: ScopedRequest) -> HttpResponse:
    """The person's app passwords: create one (shown once), list them, revoke one."""
    scope = request.scope
    secret = None
    form = AppPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.app_password_create(scope=scope, label=form.cleaned_data["label"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            form = AppPasswordForm()
            messages.success(request, _("App password “%(label)s” created.") % {"label": created.label})
    dav_url = request.build_absolute_uri("/dav/")
    return render(
        request,
        "documents/app_passwords.html",
        {
            "form": form,
            "secret": secret,
            "app_passwords": selectors.app_passwords(scope),
            "dav_url": dav_url,
            "username": request.user.get_username(),
        },
    )


@signed_in
@require_POST
def app_password_revoke(request: ScopedRequest, pk: int) -> HttpResponse:
    """Revoke one of the person's app passwords."""
    try:
        services.app_password_revoke(scope=request.scope, pk=pk)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The app password is revoked: the device using it is signed out."))
    return redirect("documents:app-passwords")
