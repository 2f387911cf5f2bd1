from django.urls import path

from . import views

app_name = "booking"

urlpatterns = [
    path("", views.resource_list, name="resource-list"),
    path("ressources/<id:pk>/semaine/", views.resource_week, name="resource-week"),
    path("ressources/<id:pk>/jour/", views.resource_day, name="resource-day"),
    path("ressources/<id:pk>/reserver/", views.booking_create, name="booking-create"),
    path("mes-reservations/", views.mine, name="mine"),
    path("reservations/<id:pk>/annuler/", views.booking_cancel, name="booking-cancel"),
    path("a-valider/", views.queue, name="queue"),
    path("reservations/<id:pk>/valider/", views.booking_validate, name="booking-validate"),
    path("reservations/<id:pk>/refuser/", views.booking_refuse, name="booking-refuse"),
    path("gestion/", views.manage, name="manage"),
    path("gestion/types/nouveau/", views.kind_create, name="kind-create"),
    path("gestion/types/<id:pk>/", views.kind_update, name="kind-update"),
    path("gestion/ressources/nouvelle/", views.resource_create, name="resource-create"),
    path("gestion/ressources/<id:pk>/", views.resource_update, name="resource-update"),
    path("gestion/gestionnaires/", views.manager_search, name="manager-search"),
]
