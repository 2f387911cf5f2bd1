"""Authentication backends: the password (one hash whatever the account), the activation code.

All go through ``authenticate()``, so django-axes counts their failures alike (the second
step of sign-in too).
"""

from typing import Any

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.http import HttpRequest

from romsie.core.errors import ApplicationError

from . import services
from .models import User

# Set on the request when the password was right but the account is deactivated.
INACTIVE_ACCOUNT_NOTE = "romsie_sign_in_inactive"


class PasswordBackend(ModelBackend):
    """Django's ``ModelBackend`` that also notes a deactivated account typed with its right password.

    Exactly one password hash per attempt, whether the account is active, deactivated or
    unknown (Django hashes the password of an unknown account too), so the time of an
    answer tells nothing about the account. The sign-in form names a deactivated account
    from the note this backend leaves on the request, without checking the password again.
    """

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kw: Any
    ) -> User | None:
        if username is None:
            username = kw.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            # The same work as for an existing account (see ModelBackend.authenticate).
            User().set_password(password)
            return None
        if not user.check_password(password):
            return None
        if self.user_can_authenticate(user):
            return user
        if request is not None:
            setattr(request, INACTIVE_ACCOUNT_NOTE, True)
        return None


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
        except ApplicationError as error:
            if request is not None:
                request.activation_error = error.extra["reason"]  # type: ignore[attr-defined]
            return None
        return user

    def get_user(self, user_id: int) -> User | None:
        return None


class SecondFactorBackend(BaseBackend):
    """Authenticate the second step of sign-in: a person already past their password, and a code.

    The code is one from their authenticator app, or one of their recovery codes (used up).
    Going through ``authenticate()`` with the person's ``username`` lets django-axes count a
    wrong code like a wrong password, and refuse the step while the username is locked.
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        second_factor_user: User | None = None,
        second_factor_token: str | None = None,
        **kw: Any,
    ) -> User | None:
        if second_factor_user is None or not second_factor_token or username != second_factor_user.username:
            return None
        if not second_factor_user.is_active:
            return None
        if services.second_factor_verify(user=second_factor_user, code=second_factor_token):
            return second_factor_user
        return None

    def get_user(self, user_id: int) -> User | None:
        return None
