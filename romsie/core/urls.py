from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("service-worker.js", views.service_worker, name="service-worker"),
    path("langue/", views.set_language, name="set-language"),
    path("sante/", views.health, name="health"),
    path("sante/pret/", views.readiness, name="readiness"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/<id:pk>/", views.notification_open, name="notification-open"),
    path("notifications/tout-lu/", views.notification_read_all, name="notification-read-all"),
    path("notifications/preferences/", views.notification_preferences, name="notification-preferences"),
]
