from django.urls import path

from . import views

app_name = "provisioning"

urlpatterns = [
    path("", views.run_list, name="run-list"),
    path("new/", views.run_upload, name="run-upload"),
    path("<int:pk>/", views.run_detail, name="run-detail"),
    path("<int:pk>/columns/", views.run_mapping, name="run-mapping"),
    path("<int:pk>/apply/", views.run_apply, name="run-apply"),
    path("<int:pk>/progress/", views.run_progress, name="run-progress"),
    path("<int:pk>/report.csv", views.run_report, name="run-report"),
]
