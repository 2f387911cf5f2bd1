from django.urls import path

from .views import family, home, incidents, office, record, roll_call

app_name = "attendance"

urlpatterns = [
    path("", home.home, name="home"),
    # -- Roll call (teachers) ------------------------------------------------------------
    # -- School-life office ----------------------------------------------------------------
    # -- Families: the school-life page, justifications --------------------------------------
    # -- Incidents and sanctions -------------------------------------------------------------
    path("eleves/<id:pk>/", record.student, name="student"),
    path("eleves/<id:pk>/export/", record.student_export, name="student-export"),
    path("classes/<id:pk>/rapport/", record.class_report, name="class-report"),
    path("seuils/", record.threshold_list, name="threshold-list"),
    path("seuils/<id:pk>/supprimer/", record.threshold_delete, name="threshold-delete"),
    path("alertes/", record.alert_list, name="alert-list"),
    path("alertes/<id:pk>/traitee/", record.alert_handle, name="alert-handle"),
    path("incidents/", incidents.incident_list, name="incident-list"),
    path("incidents/nouveau/", incidents.incident_create, name="incident-create"),
    path("incidents/<id:pk>/", incidents.incident_detail, name="incident-detail"),
    path("sanctions/nouvelle/", incidents.sanction_create, name="sanction-create"),
]

# The view modules are imported above so each part adds its paths in its own section.
__all__ = ["family", "home", "incidents", "office", "record", "roll_call"]
