from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolingConfig(AppConfig):
    name = "romsie.schooling"
    verbose_name = _("Schooling")

    def ready(self) -> None:
        from romsie.core.access import catalogue

        from . import habilitations

        catalogue.register(habilitations.SPECS)
