from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasConfig(AppConfig):
    """The ENT as a CAS server: the territory's registered services, tickets, validation, single logout."""

    name = "romsie.cas"
    verbose_name = _("CAS server")

    def ready(self) -> None:
        from romsie.core import retention

        from . import services

        retention.register("CAS tickets", lambda now: services.tickets_purge(now=now))
