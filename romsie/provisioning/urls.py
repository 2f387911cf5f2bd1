from django.urls import path

from . import views

app_name = "provisioning"

urlpatterns = [
    path("", views.run_list, name="run-list"),
    path("new/", views.run_upload, name="run-upload"),
    path("<id:pk>/", views.run_detail, name="run-detail"),
    path("<id:pk>/columns/", views.run_mapping, name="run-mapping"),
    path("<id:pk>/apply/", views.run_apply, name="run-apply"),
    path("<id:pk>/resume/", views.run_resume, name="run-resume"),
    path("<id:pk>/progress/", views.run_progress, name="run-progress"),
    path("<id:pk>/report.csv", views.run_report, name="run-report"),
]
