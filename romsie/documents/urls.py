from django.urls import path

from . import views
from .dav import views as dav_views

app_name = "documents"

urlpatterns = [
    path("", views.home, name="home"),
    path("mots-de-passe-d-application/", dav_views.app_passwords, name="app-passwords"),
    path("mots-de-passe-d-application/<id:pk>/revoquer/", dav_views.app_password_revoke, name="app-password-revoke"),
]
