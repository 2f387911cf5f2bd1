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
]
