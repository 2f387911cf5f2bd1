from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.search, name="person-search"),
    path("personnes/<id:pk>/", views.person_detail, name="person-detail"),
    path("classes/", views.class_index, name="class-list"),
    path("classes/<id:pk>/", views.class_detail, name="class-detail"),
    path("personnels/", views.staff, name="staff-list"),
]
