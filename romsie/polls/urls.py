from django.urls import path

from . import views

app_name = "polls"

urlpatterns = [
    path("", views.poll_list, name="poll-list"),
    path("mes-sondages/", views.poll_mine, name="poll-mine"),
    path("nouveau/", views.poll_create, name="poll-create"),
    path("<id:pk>/", views.poll_answer, name="poll-answer"),
    path("<id:pk>/resultats/", views.poll_results, name="poll-results"),
    path("<id:pk>/gerer/", views.poll_manage, name="poll-manage"),
    path("<id:pk>/modifier/", views.poll_update, name="poll-update"),
    path("<id:pk>/publier/", views.poll_publish, name="poll-publish"),
    path("<id:pk>/questions/nouvelle/", views.question_create, name="question-create"),
    path("<id:pk>/export/", views.poll_export, name="poll-export"),
    path("questions/<id:pk>/supprimer/", views.question_delete, name="question-delete"),
]
