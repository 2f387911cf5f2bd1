from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("langue/", views.set_language, name="set-language"),
    path("sante/", views.health, name="health"),
]
