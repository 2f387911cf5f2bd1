from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    """News of the establishment and of classes, must-read notices and sticky notes."""

    name = "romsie.news"
    verbose_name = _("News")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.notifications.kinds import NotificationKind, register_kind

        from . import habilitations, services, widgets

        catalogue.register(habilitations.SPECS)
        register_kind(
            NotificationKind(
                key=services.KIND_NEWS,
                label=_("News"),
                text=_("News: %(title)s"),
                default_delivery="app",
            )
        )
        register_kind(
            NotificationKind(
                key=services.KIND_MUST_READ,
                label=_("Must-read notice"),
                text=_("Notice to read and confirm: %(title)s"),
                default_delivery="email",
            )
        )
        for widget in (widgets.TO_CONFIRM_WIDGET, widgets.NOTES_WIDGET, widgets.NEWS_WIDGET):
            registry.register_widget(widget)
        registry.register_service(
            registry.Service(
                key="news",
                label=_("News"),
                url_name="news:item-list",
                habilitation=habilitations.NewsHabilitation.READ,
                description=_("News of the establishment and of classes, notices to confirm"),
                order=20,
            )
        )
