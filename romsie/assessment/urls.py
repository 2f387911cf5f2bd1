from django.urls import path

from .views import files, home, marks

app_name = "assessment"

urlpatterns = [
    path("", home.home, name="home"),
    path("bulletins/<id:pk>/fichier/", files.report_card_file, name="report-card-file"),
    # -- Assessments, marks and averages (teachers) ----------------------------------------------
    path("notes/", marks.assessment_list, name="assessment-list"),
    path("notes/evaluations/nouvelle/", marks.assessment_create, name="assessment-create"),
    path("notes/evaluations/<id:pk>/", marks.grid, name="grid"),
    path("notes/evaluations/<id:pk>/cellule/", marks.cell_save, name="cell-save"),
    path("notes/evaluations/<id:pk>/modifier/", marks.assessment_update, name="assessment-update"),
    path("notes/evaluations/<id:pk>/supprimer/", marks.assessment_delete, name="assessment-delete"),
    path("notes/evaluations/<id:pk>/publier/", marks.assessment_publish, name="assessment-publish"),
    path("notes/enseignements/<id:pk>/", marks.gradebook, name="gradebook"),
    path("notes/enseignements/<id:pk>/export/", marks.gradebook_export, name="gradebook-export"),
    path("notes/enseignements/<id:pk>/appreciations/", marks.report_comments, name="report-comments"),
    path("reglages/", marks.settings, name="settings"),
    path("reglages/coefficients/nouveau/", marks.subject_weight_create, name="subject-weight-create"),
    path("reglages/coefficients/<id:pk>/", marks.subject_weight_update, name="subject-weight-update"),
    path("reglages/coefficients/<id:pk>/supprimer/", marks.subject_weight_delete, name="subject-weight-delete"),
    # -- Competencies ----------------------------------------------------------------------------
    # -- Class councils and report cards ---------------------------------------------------------
    # -- Families: marks, averages, competencies and report cards --------------------------------
]
