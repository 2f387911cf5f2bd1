from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Documents: personal, class and team spaces, with quotas, versions, trash and sharing."""

    name = "romsie.documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue

        from . import habilitations

        catalogue.register(habilitations.SPECS)
        registry.register_account_link(
            registry.AccountLink(
                key="app-passwords", label=_("App passwords"), url_name="documents:app-passwords", order=110
            )
        )
        registry.register_service(
            registry.Service(
                key="documents",
                label=_("Documents"),
                url_name="documents:home",
                habilitation=habilitations.DocumentsHabilitation.USE,
                description=_("Your documents, those shared with you, your classes' and team's spaces"),
                order=35,
            )
        )
