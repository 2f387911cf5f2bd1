from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenIdConfig(AppConfig):
    """The OpenID Connect provider: the ENT signs people in to the territory's other software."""

    name = "romsie.openid"
    label = "openid"
    verbose_name = _("OpenID Connect")

    def ready(self) -> None:
        from romsie.core import registry, retention

        from . import services

        registry.register_account_link(
            registry.AccountLink(
                key="connected-apps", label=_("Connected applications"), url_name="openid:connected-apps", order=120
            )
        )
        retention.register("OAuth2 tokens and codes", lambda now: services.tokens_purge(now=now))
