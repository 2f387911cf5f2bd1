"""The project's URLs plus two bare views: the floor every page is compared with.

The bare views go through the same middleware stack (sessions, CSRF, CSP, scope, axes)
and declare their access like any view, but do no work of their own.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from romsie.core.access.declarations import public, signed_in


@public
def bare_public(request: HttpRequest) -> HttpResponse:
    """Answer a few bytes to anybody."""
    return HttpResponse(b"ok", content_type="text/plain")


@signed_in
def bare_signed_in(request: HttpRequest) -> HttpResponse:
    """Answer a few bytes to a signed-in person (the session is loaded, the scope is not)."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("__bench__/public/", bare_public, name="bench-public"),
    path("__bench__/signed-in/", bare_signed_in, name="bench-signed-in"),
    path("", include("config.urls")),
]
