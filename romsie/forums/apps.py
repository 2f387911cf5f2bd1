from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    """Forums of the establishment, of classes and of teaching groups: topics, replies, moderation."""

    name = "romsie.forums"
    verbose_name = _("Forums")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.notifications.kinds import NotificationKind, register_kind

        from . import habilitations, services

        catalogue.register(habilitations.SPECS)
        registry.register_service(
            registry.Service(
                key="forums",
                label=_("Forums"),
                url_name="forums:forum-list",
                habilitation=habilitations.ForumsHabilitation.READ,
                description=_("The forums of the establishment, of your classes and teaching groups"),
                order=26,
            )
        )
        register_kind(
            NotificationKind(
                key=services.KIND_REPLY,
                label=_("New reply in a topic you follow"),
                text=_("New reply in the topic “%(title)s”."),
                default_delivery="app",
            )
        )
        register_kind(
            NotificationKind(
                key=services.KIND_REPORT,
                label=_("Message reported in a forum you moderate"),
                text=_("A message of the topic “%(title)s” was reported to the moderators."),
                default_delivery="app",
            )
        )
