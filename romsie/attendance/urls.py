from django.urls import path

from .views import family, home, incidents, office, roll_call

app_name = "attendance"

urlpatterns = [
    path("", home.home, name="home"),
    # -- Roll call (teachers) ------------------------------------------------------------
    # -- School-life office ----------------------------------------------------------------
    # -- Families: the school-life page, justifications --------------------------------------
    path("mon-suivi/", family.record, name="record"),
    path("justifier/absences/<id:pk>/", family.justify_absence, name="justify-absence"),
    path("justifier/retards/<id:pk>/", family.justify_lateness, name="justify-lateness"),
    path("justificatifs/", family.justification_list, name="justification-list"),
    path("justificatifs/<id:pk>/", family.justification_review, name="justification-review"),
    path("justificatifs/<id:pk>/document/", family.justification_file, name="justification-file"),
    # -- Incidents and sanctions -------------------------------------------------------------
]

# The view modules are imported above so each part adds its paths in its own section.
__all__ = ["family", "home", "incidents", "office", "roll_call"]
