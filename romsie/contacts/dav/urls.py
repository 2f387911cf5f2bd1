"""``/carddav/`` and ``/.well-known/carddav`` (``config/urls.py`` includes them at the root)."""

from django.urls import path, re_path

from . import views

app_name = "carddav"

urlpatterns = [
    path(".well-known/carddav", views.well_known, name="well-known"),
    re_path(r"^carddav(?P<path>/.*)?$", views.endpoint, name="endpoint"),
]
