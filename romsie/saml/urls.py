from django.urls import path

from . import views

app_name = "saml"

urlpatterns = [
    path("metadata/", views.metadata, name="metadata"),
    path("acs/", views.acs, name="acs"),
    path("<slug:idp>/login/", views.login, name="login"),
    path("fournisseurs/", views.provider_list, name="provider-list"),
    path("fournisseurs/ajouter/", views.provider_create, name="provider-create"),
    path("fournisseurs/<id:pk>/modifier/", views.provider_update, name="provider-update"),
    path("fournisseurs/<id:pk>/supprimer/", views.provider_delete, name="provider-delete"),
]
