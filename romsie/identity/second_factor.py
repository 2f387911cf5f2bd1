"""The second factor's helpers that touch no table: QR code, recovery codes, cookie, pending sign-in.

See docs/second-factor.md. The reads are in ``selectors``, the writes in ``services``; the sign-in
views put these together:

- after the right password, a person who has a second factor (or must enrol one) is *pending*:
  the session remembers who they are, when the password was typed and their session epoch,
  but they are not signed in (``request.user`` stays anonymous) until the second step passes;
- "remember this device" is a signed cookie naming the person and their session epoch:
  ending the person's sessions (a new epoch) forgets every remembered device at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from datetime import timedelta
from typing import Any

import qrcode
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from qrcode.image.svg import SvgPathFillImage

from .models import User

REMEMBER_COOKIE = "romsie_device"
REMEMBER_SALT = "romsie.identity.remember-device"
REMEMBER_FOR = timedelta(days=30)

PENDING_KEY = "romsie_second_factor"
# The second step must follow the password within this time.
PENDING_FOR = timedelta(minutes=10)

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I to avoid misreading
RECOVERY_CODE_LENGTH = 10
TOTP_DIGITS = 6


def qr_svg(uri: str) -> str:
    """Return the QR code of ``uri`` as an inline SVG element (black on white, no script, no style)."""
    image = qrcode.make(uri, image_factory=SvgPathFillImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    # Decorative for assistive technologies: the secret is also shown as text next to it.
    return svg.replace("<svg ", '<svg class="qr-code" aria-hidden="true" focusable="false" ', 1)


def secret_text(bin_key: bytes) -> str:
    """Return a TOTP secret as typed into an authenticator app: base32, in groups of four."""
    encoded = base64.b32encode(bin_key).decode().rstrip("=")
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def normalize_code(raw: str) -> str:
    """Return a typed code without spaces or hyphens, upper-case."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def is_totp_code(code: str) -> bool:
    return len(code) == TOTP_DIGITS and code.isdigit()


def recovery_code_new() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))


def recovery_code_format(code: str) -> str:
    """Return a recovery code as shown: ``ABCDE-FGHJK``."""
    half = RECOVERY_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def recovery_code_digest(code: str) -> str:
    """Return what is stored of a recovery code: a keyed hash, 16 characters (the token column's size).

    Keyed with the site's secret: a copy of the database alone tells nothing of the codes.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"recovery:{normalize_code(code)}".encode(), hashlib.sha256
    ).digest()
    return base64.b32encode(digest[:10]).decode().lower()


# Remembered devices


def remember_device(response: HttpResponse, user: User) -> None:
    """Let this browser skip the second step for 30 days, while the person's session epoch holds."""
    response.set_signed_cookie(
        REMEMBER_COOKIE,
        f"{user.pk}:{user.session_epoch}",
        salt=REMEMBER_SALT,
        max_age=int(REMEMBER_FOR.total_seconds()),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def device_is_remembered(request: HttpRequest, user: User) -> bool:
    """Tell whether the browser holds a valid remembered-device cookie for this person and epoch."""
    value = request.get_signed_cookie(REMEMBER_COOKIE, default=None, salt=REMEMBER_SALT, max_age=REMEMBER_FOR)
    return bool(value) and value == f"{user.pk}:{user.session_epoch}"


# Pending sign-in (password right, second step to come)


def pending_start(request: HttpRequest, user: User, *, backend: str, redirect_to: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "epoch": user.session_epoch,
        "backend": backend,
        "next": redirect_to,
        "at": time.time(),
    }


def pending_get(request: HttpRequest) -> dict[str, Any] | None:
    """Return the pending sign-in of this session, or None (none, or too old)."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("at", 0)) > PENDING_FOR.total_seconds():
        request.session.pop(PENDING_KEY, None)
        return None
    return pending


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)
