"""Who sees what of the OpenID Connect provider.

* A territory admin sees and manages the clients registered by the territories they administer;
  another territory's client is a 404.
* A person sees the applications they connected (their consents), nobody else's.
* The protocol's endpoints (authorize, token, userinfo...) follow the protocol: the person signed
  in for the consent screen, the client's credentials or the bearer token for the others.
"""

from __future__ import annotations

from django.db.models import QuerySet

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.establishments.models import Territory
from romsie.identity.models import User

from .models import ClientRegistration, Consent


def administered_territories(scope: Scope) -> QuerySet[Territory]:
    """The territories whose clients the person manages (those they administer)."""
    return Territory.objects.filter(pk__in=scope.territory_ids).order_by("name")


def get_administered_territory(scope: Scope, pk: int) -> Territory:
    """Return a territory the person administers, or raise 404."""
    return first_or_404(administered_territories(scope).filter(pk=pk))


def visible_clients(scope: Scope) -> QuerySet[ClientRegistration]:
    """The clients of the territories the person administers."""
    return ClientRegistration.objects.filter(territory_id__in=scope.territory_ids).select_related(
        "application", "territory"
    )


def get_client(scope: Scope, pk: int) -> ClientRegistration:
    """Return one client of an administered territory, or raise 404."""
    return first_or_404(visible_clients(scope).filter(pk=pk))


def visible_consents(user: User) -> QuerySet[Consent]:
    """The applications the person connected."""
    return Consent.objects.filter(user=user).select_related("application")


def get_consent(user: User, pk: int) -> Consent:
    """Return one of the person's consents, or raise 404."""
    return first_or_404(visible_consents(user).filter(pk=pk))
