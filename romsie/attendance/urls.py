from django.urls import path

from .views import family, home, incidents, office, roll_call

app_name = "attendance"

urlpatterns = [
    path("", home.home, name="home"),
    # -- Roll call (teachers) ------------------------------------------------------------
    path("appel/", roll_call.roll_call_list, name="roll-call-list"),
    path("appel/seances/<id:pk>/", roll_call.roll_call, name="roll-call"),
    path("appel/non-faits/", roll_call.roll_call_missing, name="roll-call-missing"),
    path("appel/non-faits/relancer/", roll_call.roll_call_remind, name="roll-call-remind"),
    # -- School-life office ----------------------------------------------------------------
    # -- Families: the school-life page, justifications --------------------------------------
    # -- Incidents and sanctions -------------------------------------------------------------
]

# The view modules are imported above so each part adds its paths in its own section.
__all__ = ["family", "home", "incidents", "office", "roll_call"]
