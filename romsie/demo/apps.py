from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo territory generator (``manage.py demo_territory``)."""

    name = "romsie.demo"
    verbose_name = _("Demo territory")
