from django.urls import path

from . import urls_sharing, views

app_name = "documents"

urlpatterns = [
    path("", views.home, name="home"),
]

# -- Sharing, spaces and hand-outs (urls_sharing.py) ---------------------------------------
urlpatterns += urls_sharing.urlpatterns
