from django.urls import path

from .views import competencies, councils, family, files, home, marks

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
    path("competences/", competencies.competency_list, name="competency-list"),
    path("competences/ajouter/", competencies.competency_create, name="competency-create"),
    path("competences/<id:pk>/modifier/", competencies.competency_update, name="competency-update"),
    path("competences/<id:pk>/supprimer/", competencies.competency_delete, name="competency-delete"),
    path("competences/evaluer/", competencies.competency_grid, name="competency-grid"),
    path("competences/evaluation/<id:pk>/", competencies.assessment_competencies, name="assessment-competencies"),
    path("competences/eleves/<id:pk>/", competencies.competency_record, name="competency-record"),
    path("competences/classes/<id:pk>/", competencies.competency_class, name="competency-class"),
    path("mes-competences/", competencies.my_competencies, name="my-competencies"),
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
    path("mes-notes/", family.my_marks, name="my-marks"),
    path("mes-notes/simulation/", family.what_if, name="what-if"),
    path("mes-bulletins/", family.my_report_cards, name="my-report-cards"),
]
