from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvisioningConfig(AppConfig):
    """Accounts and school structure from the national registers (AAF, ONDE, CSV)."""

    name = "romsie.provisioning"
    verbose_name = _("Provisioning")
