"""URLs of the CAS server: the protocol's own paths (fixed by the specification) and the territory's pages."""

from django.urls import path

from . import views

app_name = "cas"

urlpatterns = [
    path("login", views.login, name="login"),
    path("logout", views.logout, name="logout"),
    path("validate", views.validate, name="validate"),
    path("serviceValidate", views.service_validate, name="service-validate"),
    path("p3/serviceValidate", views.p3_service_validate, name="p3-service-validate"),
    path("territoires/<id:pk>/services/", views.service_list, name="service-list"),
    path("territoires/<id:pk>/services/nouveau/", views.service_create, name="service-create"),
    path("services/<id:pk>/modifier/", views.service_update, name="service-update"),
    path("services/<id:pk>/supprimer/", views.service_delete, name="service-delete"),
]
