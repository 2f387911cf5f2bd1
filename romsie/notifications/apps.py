from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Notifications: the timeline and its unread badge, e-mails and digests, each person's choices."""

    name = "romsie.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from romsie.core import registry

        registry.register_header_item(
            registry.HeaderItem(key="notifications", template_name="notifications/_notification_bell.html")
        )
        registry.register_account_link(
            registry.AccountLink(
                key="notification-preferences",
                label=_("Notification preferences"),
                url_name="notifications:notification-preferences",
            )
        )
