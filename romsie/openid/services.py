"""Writes of the OpenID Connect provider: clients registered by a territory, people's consents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, Grant, IDToken, RefreshToken
from oauth2_provider.settings import oauth2_settings

from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.establishments.models import Territory
from romsie.identity.models import User

from .models import ClientRegistration, Consent


@dataclass(frozen=True)
class NewClient:
    """A client just registered, with its secret in clear: shown once, never stored so."""

    registration: ClientRegistration
    secret: str


@transaction.atomic
def client_create(
    *,
    scope: Scope,
    territory: Territory,
    name: str,
    redirect_uris: list[str],
    scopes: list[str],
    confidential: bool,
) -> NewClient:
    """Register a client of ``territory`` (authorization code with PKCE, id_token signed RS256).

    A confidential client gets a secret, returned here in clear and stored hashed; a public one
    (a phone application) has none and relies on PKCE alone.
    """
    if territory.pk not in scope.territory_ids:
        raise ApplicationError(_("You do not administer this territory."))
    if "openid" not in scopes:
        raise ApplicationError(_("A client needs at least the “openid” scope."))
    secret = generate_client_secret() if confidential else ""
    application = Application(
        name=name.strip(),
        client_type=Application.CLIENT_CONFIDENTIAL if confidential else Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        algorithm=Application.RS256_ALGORITHM,
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=False,
    )
    application.save()
    registration = ClientRegistration.objects.create(
        application=application, territory=territory, allowed_scopes=" ".join(scopes), created_by_id=scope.user_id
    )
    audit_record(scope=scope, action="openid.client_created", target=application.name, client_id=application.client_id)
    return NewClient(registration, secret)


@transaction.atomic
def client_update(
    *,
    scope: Scope,
    registration: ClientRegistration,
    version: int | None,
    name: str,
    redirect_uris: list[str],
    scopes: list[str],
) -> ClientRegistration:
    """Change a client's name, redirect URIs and scopes (refused if someone changed it since
    ``version``: ``StaleEdit``).

    A scope taken away ends the client's tokens and trims the people's consents, so that no
    token keeps a right the client no longer has; a redirect URI taken away ends the codes
    issued for it. A client's territory and kind stay.
    """
    if registration.territory_id not in scope.territory_ids:
        raise ApplicationError(_("You do not administer this territory."))
    if "openid" not in scopes:
        raise ApplicationError(_("A client needs at least the “openid” scope."))
    claim_version(registration, version)
    application = registration.application
    removed_scopes = set(registration.scopes) - set(scopes)
    removed_uris = set(application.redirect_uris.split()) - set(redirect_uris)
    application.name = name.strip()
    application.redirect_uris = " ".join(redirect_uris)
    application.save(update_fields=["name", "redirect_uris", "updated"])
    registration.allowed_scopes = " ".join(scopes)
    registration.save(update_fields=["allowed_scopes", "version"])
    if removed_scopes:
        for model in (RefreshToken, AccessToken, IDToken, Grant):
            model.objects.filter(application=application).delete()
        for consent in Consent.objects.select_for_update().filter(application=application):
            consent.scopes = " ".join(sorted(set(consent.scope_list) - removed_scopes))
            consent.save(update_fields=["scopes"])
    elif removed_uris:
        Grant.objects.filter(application=application, redirect_uri__in=removed_uris).delete()
    audit_record(
        scope=scope,
        action="openid.client_updated",
        target=application.name,
        client_id=application.client_id,
        scopes_removed=" ".join(sorted(removed_scopes)),
    )
    return registration


@transaction.atomic
def client_delete(*, scope: Scope, registration: ClientRegistration) -> None:
    """Remove a client: its tokens, codes and people's consents go with it."""
    application = registration.application
    audit_record(scope=scope, action="openid.client_deleted", target=application.name, client_id=application.client_id)
    application.delete()


@transaction.atomic
def consent_record(*, user: User, application: Application, scopes: list[str]) -> Consent:
    """Remember that the person allowed ``application`` these scopes (added to earlier ones)."""
    consent = Consent.objects.select_for_update().filter(user=user, application=application).first()
    if consent is None:
        return Consent.objects.create(
            user=user, application=application, scopes=" ".join(sorted(set(scopes))), granted_at=timezone.now()
        )
    consent.scopes = " ".join(sorted(set(consent.scope_list) | set(scopes)))
    consent.granted_at = timezone.now()
    consent.save(update_fields=["scopes", "granted_at"])
    return consent


@transaction.atomic
def consent_revoke(*, user: User, consent: Consent) -> None:
    """Disconnect an application: forget the consent and revoke its tokens and codes for the person."""
    application_id = consent.application_id
    for model in (RefreshToken, AccessToken, IDToken, Grant):
        model.objects.filter(user=user, application_id=application_id).delete()
    consent.delete()


@transaction.atomic
def tokens_purge(*, now: datetime) -> int:
    """Delete the codes, id_tokens and tokens past any use; return how many rows went.

    A refresh token lives ``REFRESH_TOKEN_EXPIRE_SECONDS`` past its access token's expiry, so an
    access token goes with its refresh token that long after expiring. Revoked refresh tokens are
    kept as long too: a replayed one is recognised and revokes its whole family (reuse detection).
    """
    refresh_life = timedelta(seconds=oauth2_settings.REFRESH_TOKEN_EXPIRE_SECONDS or 0)
    dead = now - refresh_life
    deleted: int = Grant.objects.filter(expires__lt=now).delete()[0]
    # An access token goes with its id_token (a cascade): both wait for the refresh token's end.
    deleted += IDToken.objects.filter(expires__lt=dead).delete()[0]
    deleted += RefreshToken.objects.filter(
        Q(revoked__lt=dead) | Q(access_token__expires__lt=dead) | Q(access_token__isnull=True, created__lt=dead)
    ).delete()[0]
    deleted += AccessToken.objects.filter(expires__lt=dead).delete()[0]
    return deleted
