from django.urls import path

from . import views

app_name = "agenda"

urlpatterns = [
    path("", views.week, name="week"),
    path("a-venir/", views.upcoming, name="upcoming"),
    path("evenements/nouveau/", views.event_create, name="event-create"),
    path("evenements/<id:pk>/", views.event_detail, name="event-detail"),
    path("evenements/<id:pk>/modifier/", views.event_update, name="event-update"),
    path("evenements/<id:pk>/supprimer/", views.event_delete, name="event-delete"),
    path("evenements/<id:pk>/invitations/", views.event_invite, name="event-invite"),
    path("evenements/<id:pk>/reponse/", views.invitation_answer, name="invitation-answer"),
    path("personnes/", views.people_search, name="people-search"),
    path("communautes/<id:pk>/", views.community, name="community"),
]
