from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "romsie.directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue

        from . import habilitations, widgets

        catalogue.register(habilitations.SPECS)
        registry.register_widget(widgets.MY_CARD_WIDGET)
        registry.register_service(
            registry.Service(
                key="directory",
                label=_("Directory"),
                url_name="directory:person-search",
                habilitation=habilitations.DirectoryHabilitation.SEARCH,
                description=_("Find people, class lists and staff"),
                order=10,
            )
        )
