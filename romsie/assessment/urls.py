from django.urls import path

from .views import councils, files, home

app_name = "assessment"

urlpatterns = [
    path("", home.home, name="home"),
    path("bulletins/<id:pk>/fichier/", files.report_card_file, name="report-card-file"),
    # -- Assessments, marks and averages (teachers) ----------------------------------------------
    # -- Competencies ----------------------------------------------------------------------------
    # -- Class councils and report cards ---------------------------------------------------------
    path("classes/", councils.class_list, name="class-list"),
    path("classes/<id:pk>/", councils.class_results, name="class-results"),
    path("classes/<id:pk>/export/", councils.class_results_export, name="class-results-export"),
    path("classes/<id:pk>/conseil/", councils.council_page, name="council"),
    path("classes/<id:pk>/conseil/publier/", councils.council_publish, name="council-publish"),
    path("classes/<id:pk>/conseil/rouvrir/", councils.council_reopen, name="council-reopen"),
    path("classes/<id:pk>/bulletins/generer/", councils.report_cards_generate, name="report-cards-generate"),
    path(
        "classes/<id:pk>/bulletins/progression/<id:run>/",
        councils.report_cards_progress,
        name="report-cards-progress",
    ),
    path("lsu/", councils.lsu_export, name="lsu-export"),
    # -- Families: marks, averages, competencies and report cards --------------------------------
]
