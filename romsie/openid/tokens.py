"""Token strings bound to the person's session epoch.

Every access token, refresh token and authorization code the provider issues starts with the
person's ``session_epoch`` at issue (``"3.<random>"``). The validator accepts one only while the
account is active and its epoch unchanged, so deactivating an account or "sign out on every
device" (both bump the epoch) revokes every token at once, without a query more: the person is
read with the token anyway.
"""

from __future__ import annotations

import secrets
from typing import Any


def bound(epoch: int) -> str:
    """A new random token string bound to ``epoch``."""
    return f"{epoch}.{secrets.token_urlsafe(32)}"


def bound_token(request: Any, refresh_token: bool = False) -> str:
    """oauthlib's token generator: the person of the request is known when a token is issued."""
    user = getattr(request, "user", None)
    return bound(getattr(user, "session_epoch", 0) if user is not None else 0)


def epoch_of(token: str) -> int | None:
    """The epoch a token string was issued under, None for a string the provider did not make."""
    head, dot, _rest = token.partition(".")
    if not dot or not head.isdigit() or len(head) > 10:
        return None
    return int(head)


def alive(user: Any, token: str) -> bool:
    """Whether a token issued to ``user`` still stands: account active, sessions not ended since."""
    return user is not None and bool(user.is_active) and epoch_of(token) == user.session_epoch
