from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("envoyes/", views.sent, name="sent"),
    path("brouillons/", views.drafts, name="drafts"),
    path("corbeille/", views.trash, name="trash"),
    path("dossiers/", views.folder_list, name="folder-list"),
    path("dossiers/<id:pk>/", views.folder_detail, name="folder-detail"),
    path("dossiers/<id:pk>/supprimer/", views.folder_delete, name="folder-delete"),
    path("recherche/", views.search, name="search"),
    path("ecrire/", views.compose, name="compose"),
    path("destinataires/", views.recipient_search, name="recipient-search"),
    path("messages/<id:pk>/", views.message_detail, name="message-detail"),
    path("messages/<id:pk>/action/", views.message_action, name="message-action"),
    path("messages/<id:pk>/rappeler/", views.message_recall, name="message-recall"),
    path("messages/<id:pk>/signaler/", views.message_report, name="message-report"),
    path("pieces-jointes/<id:pk>/", views.attachment_download, name="attachment-download"),
    path("listes/", views.list_index, name="list-list"),
    path("listes/nouvelle/", views.list_create, name="list-create"),
    path("listes/<id:pk>/", views.list_detail, name="list-detail"),
    path("listes/<id:pk>/modifier/", views.list_update, name="list-update"),
    path("listes/<id:pk>/abonnement/", views.list_subscription, name="list-subscription"),
    path("listes/<id:pk>/archives/<id:message_pk>/", views.list_archive_message, name="list-archive-message"),
    path("signalements/", views.report_list, name="report-list"),
    path("gouvernance/", views.policy, name="policy"),
    path("gouvernance/territoire/", views.territory_policy, name="territory-policy"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/<id:pk>/", views.audit_detail, name="audit-detail"),
]
