from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    """The establishment's and the territory's own administration pages (not Django's admin)."""

    name = "romsie.administration"
    verbose_name = _("Administration")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.establishments.habilitations import EstablishmentHabilitation

        from . import widgets

        registry.register_service(
            registry.Service(
                key="administration",
                label=_("Administration"),
                url_name="administration:home",
                habilitation=EstablishmentHabilitation.ADMINISTER,
                description=_("Classes, people, rights and services of the establishment"),
                switchable=False,
                order=900,
            )
        )
        # Territory admins may hold no role in any establishment, and the menu shows only
        # what a habilitation allows there: their area is linked from the dashboard.
        registry.register_widget(widgets.TERRITORY_WIDGET)
        registry.register_widget(widgets.AREAS_WIDGET)
