from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The family REST API (``/api/v1/``): the feature apps' endpoints, bearer tokens, personal tokens."""

    name = "romsie.api"
    verbose_name = _("Family API")

    def ready(self) -> None:
        from oauth2_provider.signals import app_authorized

        from . import services

        # Every token the OAuth2 provider issues is bound to its person's session epoch.
        app_authorized.connect(services.on_token_issued, dispatch_uid="romsie.api.bind_issued_token")
