from django.urls import path

from .views import family, files, home

app_name = "assessment"

urlpatterns = [
    path("", home.home, name="home"),
    path("bulletins/<id:pk>/fichier/", files.report_card_file, name="report-card-file"),
    # -- Assessments, marks and averages (teachers) ----------------------------------------------
    # -- Competencies ----------------------------------------------------------------------------
    # -- Class councils and report cards ---------------------------------------------------------
    # -- Families: marks, averages, competencies and report cards --------------------------------
    path("mes-notes/", family.my_marks, name="my-marks"),
    path("mes-notes/simulation/", family.what_if, name="what-if"),
    path("mes-bulletins/", family.my_report_cards, name="my-report-cards"),
]
