"""``/caldav/`` and ``/.well-known/caldav`` (``config/urls.py`` includes them at the root)."""

from django.urls import path, re_path

from . import views

app_name = "caldav"

urlpatterns = [
    path(".well-known/caldav", views.well_known, name="well-known"),
    re_path(r"^caldav(?P<path>/.*)?$", views.endpoint, name="endpoint"),
]
