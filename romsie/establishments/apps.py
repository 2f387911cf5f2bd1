from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstablishmentsConfig(AppConfig):
    name = "romsie.establishments"
    verbose_name = _("Establishments")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue

        from . import habilitations, widgets

        catalogue.register(habilitations.SPECS)
        registry.register_widget(widgets.ESTABLISHMENT_WIDGET)
