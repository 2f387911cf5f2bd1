from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """Internal messaging: messages, threads, folders, mailing lists, who may write to whom."""

    name = "romsie.messaging"
    verbose_name = _("Messaging")
