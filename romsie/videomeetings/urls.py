from django.urls import path

from . import views

app_name = "videomeetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("nouvelle/", views.meeting_create, name="meeting-create"),
    path("<id:pk>/modifier/", views.meeting_update, name="meeting-update"),
    path("<id:pk>/annuler/", views.meeting_cancel, name="meeting-cancel"),
    path("<id:pk>/rejoindre/", views.meeting_join, name="meeting-join"),
    path("personnes/", views.people_search, name="people-search"),
    path("serveur/", views.server_settings, name="server-settings"),
]
