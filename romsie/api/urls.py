"""The personal access tokens pages, in the person's account (``config/urls.py`` mounts the API itself)."""

from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("", views.token_list, name="token-list"),
    path("<id:pk>/revoquer/", views.token_revoke, name="token-revoke"),
]
