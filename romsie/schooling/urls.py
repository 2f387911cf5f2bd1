"""URLs of the schooling app (paths in French): the social features of students."""

from django.urls import path

from . import views

app_name = "schooling"

urlpatterns = [
    path("", views.social_settings, name="social-settings"),
    path("territoire/<id:pk>/", views.social_ceiling, name="social-ceiling"),
]
