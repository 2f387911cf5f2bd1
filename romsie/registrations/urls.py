from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("", views.activity_list, name="activity-list"),
    path("nouvelle/", views.activity_create, name="activity-create"),
    path("organisateurs/", views.organiser_search, name="organiser-search"),
    path("documents/", views.document_queue, name="document-queue"),
    path("<id:pk>/", views.activity_detail, name="activity-detail"),
    path("<id:pk>/modifier/", views.activity_update, name="activity-update"),
    path("<id:pk>/questions/nouvelle/", views.question_create, name="question-create"),
    path("<id:pk>/pieces/nouvelle/", views.item_create, name="item-create"),
    path("<id:pk>/autorisations/nouvelle/", views.consent_create, name="consent-create"),
    path("autorisations/<id:pk>/texte/", views.consent_update, name="consent-update"),
    path("<id:pk>/inscrire/", views.registration_create, name="registration-create"),
    path("<id:pk>/inscrits/", views.activity_registrations, name="activity-registrations"),
    path("<id:pk>/export/", views.activity_export, name="activity-export"),
    path("<id:pk>/relancer/", views.activity_remind, name="activity-remind"),
    path("inscription/<id:pk>/", views.registration_detail, name="registration-detail"),
    path("inscription/<id:pk>/retirer/", views.registration_withdraw, name="registration-withdraw"),
    path("inscription/<id:pk>/refuser/", views.registration_refuse, name="registration-refuse"),
    path("inscription/<id:pk>/document/", views.document_upload, name="document-upload"),
    path("document/<id:pk>/", views.document_download, name="document-download"),
    path("document/<id:pk>/decision/", views.document_review, name="document-review"),
]
