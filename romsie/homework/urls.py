from django.urls import path

from . import views

app_name = "homework"

urlpatterns = [
    path("", views.home, name="home"),
    path("a-faire/", views.todo, name="todo"),
    path("devoirs/<id:pk>/fait/", views.homework_tick, name="homework-tick"),
    path("agenda/nouveau/", views.planner_create, name="planner-create"),
    path("agenda/<id:pk>/", views.planner_update, name="planner-update"),
    path("agenda/<id:pk>/fait/", views.planner_tick, name="planner-tick"),
    path("agenda/<id:pk>/supprimer/", views.planner_delete, name="planner-delete"),
    path("mes-classes/", views.teaching_list, name="teaching-list"),
    path("enseignements/<id:pk>/", views.teaching_log, name="teaching-log"),
    path("entrees/nouvelle/", views.entry_start, name="entry-start"),
    path("seances/<id:session_pk>/entree/", views.entry_create, name="entry-create"),
    path("entrees/<id:pk>/", views.entry_detail, name="entry-detail"),
    path("entrees/<id:pk>/modifier/", views.entry_update, name="entry-update"),
    path("entrees/<id:pk>/supprimer/", views.entry_delete, name="entry-delete"),
    path("entrees/<id:pk>/copier/", views.entry_copy, name="entry-copy"),
    path("pieces-jointes/<id:pk>/", views.attachment_download, name="attachment-download"),
    path("classes/", views.class_list, name="class-list"),
    path("classes/<id:pk>/", views.class_log, name="class-log"),
    path("classes/<id:pk>/visa/", views.class_visa, name="class-visa"),
    path("devoirs/<id:pk>/rendre/", views.submission_create, name="submission-create"),
    path("devoirs/<id:pk>/rendus/", views.submission_list, name="submission-list"),
    path("devoirs/<id:pk>/rendus.zip", views.submission_zip, name="submission-zip"),
    path("rendus/<id:pk>/fichier/", views.submission_download, name="submission-download"),
    path("rendus/<id:pk>/corrige/", views.submission_corrected, name="submission-corrected"),
    path("rendus/<id:pk>/retour/", views.submission_return, name="submission-return"),
]
