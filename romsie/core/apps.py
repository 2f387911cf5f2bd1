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
