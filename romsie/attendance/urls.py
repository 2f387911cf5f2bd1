from django.urls import path

from .views import family, home, incidents, office, record, roll_call

app_name = "attendance"

urlpatterns = [
    path("", home.home, name="home"),
    # -- Roll call (teachers) ------------------------------------------------------------
    path("appel/", roll_call.roll_call_list, name="roll-call-list"),
    path("appel/seances/<id:pk>/", roll_call.roll_call, name="roll-call"),
    path("appel/non-faits/", roll_call.roll_call_missing, name="roll-call-missing"),
    path("appel/non-faits/relancer/", roll_call.roll_call_remind, name="roll-call-remind"),
    # -- School-life office ----------------------------------------------------------------
    path("registre/", office.register, name="register"),
    path("eleves/recherche/<slug:field>/", office.student_search, name="student-search"),
    path("absences/nouvelle/", office.absence_create, name="absence-create"),
    path("absences/<id:pk>/modifier/", office.absence_update, name="absence-update"),
    path("absences/<id:pk>/cloturer/", office.absence_close, name="absence-close"),
    path("sorties/nouvelle/", office.outing_create, name="outing-create"),
    path("dispenses/nouvelle/", office.exemption_create, name="exemption-create"),
    path("dispenses/<id:pk>/certificat/", office.exemption_certificate, name="exemption-certificate"),
    path("retards/nouveau/", office.lateness_create, name="lateness-create"),
    path("retards/<id:pk>/modifier/", office.lateness_update, name="lateness-update"),
    path("motifs/", office.reason_list, name="reason-list"),
    path("motifs/nouveau/", office.reason_create, name="reason-create"),
    path("motifs/<id:pk>/modifier/", office.reason_update, name="reason-update"),
    # -- Families: the school-life page, justifications --------------------------------------
    path("mon-suivi/", family.record, name="record"),
    path("justifier/absences/<id:pk>/", family.justify_absence, name="justify-absence"),
    path("justifier/retards/<id:pk>/", family.justify_lateness, name="justify-lateness"),
    path("justificatifs/", family.justification_list, name="justification-list"),
    path("justificatifs/<id:pk>/", family.justification_review, name="justification-review"),
    path("justificatifs/<id:pk>/document/", family.justification_file, name="justification-file"),
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
