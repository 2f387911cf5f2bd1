from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Documents: personal, class and team spaces, with quotas, versions, trash and sharing."""

    name = "romsie.documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.notifications.kinds import NotificationKind, register_kind

        from . import habilitations, handouts, sharing

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
        # -- Sharing, spaces and hand-outs
        register_kind(
            NotificationKind(
                key=sharing.SHARED_KIND,
                label=_("A document was shared with you"),
                text=_("%(sharer)s shared “%(name)s” with you."),
                default_delivery="app",
            )
        )
        register_kind(
            NotificationKind(
                key=handouts.HANDOUT_KIND,
                label=_("A teacher handed a document out to you"),
                text=_("%(teacher)s handed out “%(name)s”: it is in your “Received” folder."),
                default_delivery="app",
            )
        )
