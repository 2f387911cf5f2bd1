from django.urls import path

from . import views

app_name = "openid"

urlpatterns = [
    path("administration/territoire/applications/", views.client_list, name="client-list"),
    path("administration/territoire/applications/ajouter/", views.client_create, name="client-create"),
    path("administration/territoire/applications/<id:pk>/modifier/", views.client_edit, name="client-edit"),
    path("administration/territoire/applications/<id:pk>/supprimer/", views.client_delete, name="client-delete"),
    path("compte/applications/", views.connected_apps, name="connected-apps"),
    path("compte/applications/<id:pk>/deconnecter/", views.connected_app_revoke, name="connected-app-revoke"),
]
