"""Writes of the API app: personal access tokens (audited)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken

from romsie.core.access.scope import Scope
from romsie.core.api import ApiScope
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.identity.models import User
from romsie.openid import tokens

from .models import IssuedToken

#: how many personal tokens a person may keep at once
MAX_PERSONAL_TOKENS = 20


@transaction.atomic
def personal_token_create(*, scope: Scope, name: str, scopes: list[str], lifetime_days: int) -> tuple[AccessToken, str]:
    """Create a personal access token for the person; return it and its secret (shown once).

    The token is the OAuth2 library's ``AccessToken`` without an application, bound to the
    person's current session epoch.
    """
    assert scope.user_id is not None
    name = " ".join(name.split())[:100]
    if not name:
        raise ApplicationError(_("Name the token after the program that will use it."), extra={"code": "name"})
    wanted = sorted(set(scopes))
    if not wanted or any(s not in ApiScope.__members__.values() for s in wanted):
        raise ApplicationError(_("Choose what the token may read."), extra={"code": "scopes"})
    if not 1 <= lifetime_days <= settings.ROMSIE_API_TOKEN_MAX_DAYS:
        raise ApplicationError(_("Choose how long the token lasts."), extra={"code": "lifetime"})
    mine = IssuedToken.objects.filter(access_token__user_id=scope.user_id, is_personal=True)
    if mine.filter(access_token__expires__gt=timezone.now()).count() >= MAX_PERSONAL_TOKENS:
        raise ApplicationError(
            _("You have %(max)d personal tokens: revoke one you no longer use first.") % {"max": MAX_PERSONAL_TOKENS},
            extra={"code": "too_many"},
        )
    user = User.objects.only("session_epoch").get(pk=scope.user_id)
    secret = tokens.bound(user.session_epoch)
    token = AccessToken.objects.create(
        user_id=scope.user_id,
        application=None,
        token=secret,
        scope=" ".join(wanted),
        expires=timezone.now() + datetime.timedelta(days=lifetime_days),
    )
    IssuedToken.objects.create(access_token=token, name=name, is_personal=True)
    audit_record(scope=scope, action="api.personal_token_create", target=name, token=token.pk, scopes=" ".join(wanted))
    return token, secret


@transaction.atomic
def personal_token_revoke(*, scope: Scope, pk: int) -> None:
    """Revoke one of the person's personal tokens (another person's is "not found")."""
    found = (
        IssuedToken.objects.filter(access_token__user_id=scope.user_id, is_personal=True, pk=pk)
        .select_related("access_token")
        .first()
    )
    if found is None:
        raise ApplicationError(_("This token no longer exists."), extra={"code": "not_found"})
    name = found.name
    found.access_token.delete()  # its IssuedToken goes with it
    audit_record(scope=scope, action="api.personal_token_revoke", target=name, token=pk)
