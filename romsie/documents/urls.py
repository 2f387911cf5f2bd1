from django.urls import path

from . import urls_sharing, views
from .dav import views as dav_views

app_name = "documents"

urlpatterns = [
    path("", views.home, name="home"),
    path("dossiers/<id:pk>/", views.folder, name="folder"),
    path("dossiers/<id:pk>/deposer/", views.upload, name="upload"),
    path("dossiers/<id:pk>/nouveau-dossier/", views.folder_create, name="folder-create"),
    path("dossiers/<id:pk>/zip/", views.folder_zip, name="folder-zip"),
    path("elements/<id:pk>/renommer/", views.node_rename, name="node-rename"),
    path("elements/<id:pk>/deplacer/", views.node_move, name="node-move"),
    path("elements/<id:pk>/copier/", views.node_copy, name="node-copy"),
    path("elements/<id:pk>/corbeille/", views.node_trash, name="node-trash"),
    path("fichiers/<id:pk>/", views.file_detail, name="file-detail"),
    path("fichiers/<id:pk>/telecharger/", views.file_download, name="file-download"),
    path("fichiers/<id:pk>/apercu/", views.file_inline, name="file-inline"),
    path("fichiers/<id:pk>/versions/", views.file_versions, name="file-versions"),
    path("fichiers/<id:pk>/versions/<id:number>/telecharger/", views.version_download, name="version-download"),
    path("fichiers/<id:pk>/versions/<id:number>/restaurer/", views.version_restore, name="version-restore"),
    path("corbeille/", views.trash, name="trash"),
    path("corbeille/vider/", views.trash_empty, name="trash-empty"),
    path("corbeille/<id:pk>/restaurer/", views.trash_restore, name="trash-restore"),
    path("corbeille/<id:pk>/supprimer/", views.trash_purge, name="trash-purge"),
    path("recherche/", views.search, name="search"),
    path("reglages/", views.establishment_settings, name="establishment-settings"),
    path("territoires/<id:pk>/reglages/", views.territory_settings, name="territory-settings"),
    path("mots-de-passe-d-application/", dav_views.app_passwords, name="app-passwords"),
    path("mots-de-passe-d-application/<id:pk>/revoquer/", dav_views.app_password_revoke, name="app-password-revoke"),
]

# -- Sharing, spaces and hand-outs (urls_sharing.py) ---------------------------------------
urlpatterns += urls_sharing.urlpatterns
