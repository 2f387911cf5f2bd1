from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The family REST API (``/api/v1/``): the feature apps' endpoints, bearer tokens, personal tokens."""

    name = "romsie.api"
    verbose_name = _("Family API")
