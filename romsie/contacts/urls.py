from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="contact-list"),
    path("nouveau/", views.contact_create, name="contact-create"),
    path("<id:pk>/", views.contact_detail, name="contact-detail"),
    path("<id:pk>/modifier/", views.contact_update, name="contact-update"),
    path("<id:pk>/supprimer/", views.contact_delete, name="contact-delete"),
    path("personnes/", views.person_search, name="person-search"),
    path("groupes/", views.group_list, name="group-list"),
    path("groupes/<id:pk>/modifier/", views.group_update, name="group-update"),
    path("groupes/<id:pk>/supprimer/", views.group_delete, name="group-delete"),
    path("importer/", views.contact_import, name="contact-import"),
    path("exporter/", views.contact_export, name="contact-export"),
]
