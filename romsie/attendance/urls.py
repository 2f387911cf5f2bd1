from django.urls import path

from .views import family, home, incidents, office, roll_call

app_name = "attendance"

urlpatterns = [
    path("", home.home, name="home"),
    # -- Roll call (teachers) ------------------------------------------------------------
    # -- School-life office ----------------------------------------------------------------
    # -- Families: the school-life page, justifications --------------------------------------
    # -- Incidents and sanctions -------------------------------------------------------------
]

# The view modules are imported above so each part adds its paths in its own section.
__all__ = ["family", "home", "incidents", "office", "roll_call"]
