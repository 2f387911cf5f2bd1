"""Who is asking, for WebDAV: HTTP Basic with the ENT password or an app password.

* An **app password** (``xxxxx-xxxxx-xxxxx-xxxxx-xxxxx``, :mod:`.services`) is checked by its
  SHA-256 digest: one indexed query, no Argon2 (the secret is random, 125 bits).
* Otherwise the **ENT password** goes through Django's ``authenticate()``, as the sign-in form's
  does: the same backends (one Argon2 hash whatever the account), django-axes' throttling
  (5 failures lock the username from that address, 25 usernames lock the address) and
  deactivated accounts refused. A failed app password is counted the same way.
* A WebDAV client sends its credentials with every request (a folder opened in a file manager
  is dozens of requests). A **successful** ENT-password check is remembered in the cache for
  ``ROMSIE_DAV_AUTH_CACHE_SECONDS`` (60 s) under an HMAC of the username and password keyed by
  ``SECRET_KEY`` (neither is stored, and a cache dump gives nothing to try offline without the
  key). The cached entry holds the account's id, its session epoch and an HMAC of its password
  hash: a password change, a deactivation or "sign out everywhere" ends it at the next request.
  Failures are never cached, so each one is counted by django-axes.
* Staff who will sign in with a second factor must not use their password here: they will use
  app passwords only (see ``docs/documents.md``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from romsie.identity.models import User

from ..models import AppPassword
from . import services


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


@dataclass(frozen=True)
class Outcome:
    """A check's result: the person, or None; ``throttled`` when django-axes refused the attempt."""

    user: User | None
    throttled: bool = False


def cache_seconds() -> int:
    return int(getattr(settings, "ROMSIE_DAV_AUTH_CACHE_SECONDS", 60))


def basic_credentials(request: HttpRequest) -> Credentials | None:
    """The username and password of an ``Authorization: Basic`` header, or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = raw.decode("latin-1")
    username, colon, password = decoded.partition(":")
    if not colon or not username or not password:
        return None
    return Credentials(username=username.strip(), password=password)


def _mac(*parts: str) -> str:
    message = "\x00".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _cache_key(credentials: Credentials) -> str:
    return "romsie:dav-auth:" + _mac("dav-auth", credentials.username, credentials.password)


def _still_valid(user: User, entry: tuple[int, int, str]) -> bool:
    _user_id, epoch, password_mac = entry
    return user.is_active and user.session_epoch == epoch and hmac.compare_digest(password_mac, _mac(user.password))


def _app_password_user(credentials: Credentials) -> User | None:
    if not services.looks_like_app_password(credentials.password):
        return None
    found = (
        AppPassword.objects.select_related("user")
        .filter(secret_hash=services.secret_digest(credentials.password), user__username=credentials.username)
        .first()
    )
    if found is None or not found.user.is_active:
        return None
    services.app_password_used(found.pk)
    return found.user


def check(request: HttpRequest, credentials: Credentials) -> Outcome:
    """Return the person these credentials are for (see the module's rules)."""
    user = _app_password_user(credentials)
    if user is not None:
        return Outcome(user)
    key = _cache_key(credentials)
    entry = cache.get(key)
    if entry is not None:
        cached = User.objects.filter(pk=entry[0]).first()
        if cached is not None and _still_valid(cached, entry):
            return Outcome(cached)
        cache.delete(key)
    found = authenticate(request, username=credentials.username, password=credentials.password)
    if getattr(request, "axes_locked_out", False):
        return Outcome(None, throttled=True)
    if not isinstance(found, User) or not found.is_active:
        return Outcome(None)
    cache.set(key, (found.pk, found.session_epoch, _mac(found.password)), cache_seconds())
    return Outcome(found)


REALM = "ROMSIE"


def _plain(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def challenge() -> HttpResponse:
    """401 with the HTTP Basic challenge every DAV endpoint (WebDAV, CalDAV, CardDAV) sends."""
    response = _plain(401, _("Sign in with your username and your password, or an app password."))
    response["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
    return response


def authenticated(request: HttpRequest) -> User | HttpResponse:
    """The first step of every DAV request: the person its credentials are for, set on the request,
    or the answer to give instead (401 and the challenge, 429 when failed attempts are throttled)."""
    credentials = basic_credentials(request)
    if credentials is None:
        return challenge()
    outcome = check(request, credentials)
    if outcome.throttled:
        response = _plain(429, _("Too many failed attempts: try again in a quarter of an hour."))
        response["Retry-After"] = "900"
        return response
    if outcome.user is None:
        return challenge()
    request.user = outcome.user
    return outcome.user
