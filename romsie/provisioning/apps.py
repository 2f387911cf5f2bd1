from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvisioningConfig(AppConfig):
    """Accounts and school structure from the national registers (AAF, ONDE, CSV)."""

    name = "romsie.provisioning"
    verbose_name = _("Provisioning")

    def ready(self) -> None:
        from romsie.core import retention

        from . import services

        retention.register("import runs", lambda now: services.import_runs_purge(now=now))
