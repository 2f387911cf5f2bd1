"""``/dav`` and everything below it: the WebDAV endpoint (``config/urls.py`` mounts it at ``dav``)."""

from django.urls import re_path

from . import views

app_name = "dav"

urlpatterns = [
    re_path(r"^(?P<path>/.*)?$", views.endpoint, name="endpoint"),
]
