from django.urls import path

from .views import home

app_name = "assessment"

urlpatterns = [
    path("", home.home, name="home"),
    # -- Assessments, marks and averages (teachers) ----------------------------------------------
    # -- Competencies ----------------------------------------------------------------------------
    # -- Class councils and report cards ---------------------------------------------------------
    # -- Families: marks, averages, competencies and report cards --------------------------------
]
