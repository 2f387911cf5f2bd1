from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    """The establishment's and the territory's own administration pages (not Django's admin)."""

    name = "romsie.administration"
    verbose_name = _("Administration")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.establishments.habilitations import EstablishmentHabilitation

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
