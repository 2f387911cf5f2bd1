"""Authentication with an activation code, so code attempts are throttled like passwords."""

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from . import services
from .models import User


class ActivationCodeBackend(BaseBackend):
    """Authenticate ``username`` + ``activation_code`` (first sign-in only).

    Failures go through Django's ``user_login_failed`` signal, so django-axes counts
    them and locks the username like a wrong password.
    """

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, username: str | None = None, activation_code: str | None = None, **kw: Any
    ) -> User | None:
        if not username or not activation_code:
            return None
        try:
            user = services.activation_code_check(username=username, code=activation_code)
        except services.ActivationError as error:
            if request is not None:
                request.activation_error = error.reason  # type: ignore[attr-defined]
            return None
        return user

    def get_user(self, user_id: int) -> User | None:
        return None
