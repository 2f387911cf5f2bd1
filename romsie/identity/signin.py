"""What every way of signing in does once the person is known (password, external identity provider)."""

from typing import cast

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse

from romsie.core.access.scope import ScopedRequest, build_scope

from . import services
from .models import User

#: The backend recorded in the session of a person signed in without a password here.
EXTERNAL_BACKEND = "romsie.identity.backends.PasswordBackend"


def record_sign_in(request: HttpRequest) -> None:
    """Record the connection of the person just signed in (``login`` done), for the usage statistics."""
    scoped = cast(ScopedRequest, request)  # just signed in: the scope is built now, for this person
    scoped.scope = build_scope(request)
    services.connection_record(user=scoped.user, scope=scoped.scope)


def follow_language(response: HttpResponse, user: User) -> None:
    """Follow the person's language on every device they sign in from."""
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")


def sign_in_known_person(request: HttpRequest, user: User) -> None:
    """Open a session for ``user``, vouched for by an identity provider, as the password sign-in does.

    A new session (the key changes), bound to the account's session hash (so it ends with
    "sign out everywhere" or a deactivation), django-axes' access log through the
    ``user_logged_in`` signal, and the connection log.
    """
    login(request, user, backend=EXTERNAL_BACKEND)
    record_sign_in(request)
