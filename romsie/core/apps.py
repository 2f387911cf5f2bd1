from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "romsie.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from romsie.core import (
            checks,  # noqa: F401  (registers system checks)
            registry,
            widgets,
        )

        registry.register_widget(widgets.SERVICES_WIDGET)

        from django.urls import register_converter

        from romsie.core.ids import IdConverter

        # Before any URLconf is imported: every urls.py writes object ids <id:pk>.
        register_converter(IdConverter, "id")
