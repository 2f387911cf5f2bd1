from django.urls import path

from . import views

app_name = "timetable"

urlpatterns = [
    path("", views.week, name="week"),
    path("jour/", views.day, name="day"),
    path("classes-et-salles/", views.browse, name="browse"),
    path("classe/<id:pk>/", views.class_week, name="class-week"),
    path("salle/<id:pk>/", views.room_week, name="room-week"),
    path("seance/<id:pk>/", views.session_detail, name="session-detail"),
    path("seance/<id:pk>/modifier/", views.session_change, name="session-change"),
    path("calendrier/", views.manage, name="manage"),
    path("calendrier/conges/ajouter/", views.day_off_create, name="day-off-create"),
    path("calendrier/conges/<id:pk>/supprimer/", views.day_off_delete, name="day-off-delete"),
    path("calendrier/semaines/<id:pk>/inverser/", views.week_swap, name="week-swap"),
    path("cours/", views.lesson_list, name="lesson-list"),
    path("cours/ajouter/", views.lesson_create, name="lesson-create"),
    path("cours/importer/", views.lesson_import, name="lesson-import"),
    path("cours/<id:pk>/modifier/", views.lesson_update, name="lesson-update"),
    path("cours/<id:pk>/supprimer/", views.lesson_delete, name="lesson-delete"),
    path("abonnement/", views.feed_settings, name="feed-settings"),
    path("ical/<str:token>.ics", views.feed, name="feed"),
]
