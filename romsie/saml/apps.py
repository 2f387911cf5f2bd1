from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamlConfig(AppConfig):
    """Sign-in through external identity providers (SAML 2.0 service provider)."""

    name = "romsie.saml"
    verbose_name = _("Sign-in through identity providers")

    def ready(self) -> None:
        from romsie.core import registry

        from . import selectors

        registry.register_sign_in_choices(selectors.sign_in_choices)
