from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "romsie.identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.core.access.scope import register_scope_builder

        from . import habilitations, widgets
        from .scope import build_scope

        register_scope_builder(build_scope)
        catalogue.register(habilitations.SPECS)
        registry.register_widget(widgets.CONTEXT_WIDGET)
