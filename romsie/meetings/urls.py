from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.evening_list, name="evening-list"),
    path("soirees/nouvelle/", views.evening_create, name="evening-create"),
    path("soirees/<id:pk>/", views.evening_overview, name="evening-overview"),
    path("soirees/<id:pk>/modifier/", views.evening_update, name="evening-update"),
    path("soirees/<id:pk>/creneaux/", views.slot_editor, name="slot-editor"),
    path("soirees/<id:pk>/ma-soiree/", views.teacher_day, name="teacher-day"),
    path("soirees/<id:pk>/reserver/", views.booking, name="booking"),
    path("creneaux/<id:pk>/supprimer/", views.slot_delete, name="slot-delete"),
    path("mes-rendez-vous/", views.appointment_list, name="appointment-list"),
    path("rendez-vous/<id:pk>/annuler/", views.appointment_cancel, name="appointment-cancel"),
]
