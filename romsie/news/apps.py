from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    """News of the establishment and of classes, must-read notices and sticky notes."""

    name = "romsie.news"
    verbose_name = _("News")
