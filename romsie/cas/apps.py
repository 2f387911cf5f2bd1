from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasConfig(AppConfig):
    """The ENT as a CAS server: the territory's registered services, tickets, validation, single logout."""

    name = "romsie.cas"
    verbose_name = _("CAS server")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from romsie.core import retention

        from . import services

        retention.register("CAS tickets", lambda now: services.tickets_purge(now=now))
        # Whichever way the ENT session ends (the ENT's sign-out, /cas/logout, renew), the
        # single-logout services that validated one of its tickets are told.
        user_logged_out.connect(services.signed_out, dispatch_uid="cas.single_logout")
