"""URL patterns of sharing, spaces and hand-outs (included in ``documents/urls.py``)."""

from django.urls import path

from . import views_handouts, views_sharing, views_spaces

urlpatterns = [
    path("ouvrir/<id:pk>/", views_sharing.node_open, name="node-open"),
    path("<id:pk>/partages/", views_sharing.share_list, name="share-list"),
    path("partages/<id:pk>/supprimer/", views_sharing.share_delete, name="share-delete"),
    path("partages/personnes/", views_sharing.share_people_search, name="share-people-search"),
    path("partages-avec-moi/", views_sharing.shared_with_me, name="shared-with-me"),
    path("espaces/", views_spaces.space_list, name="space-list"),
    path("<id:pk>/distribuer/", views_handouts.handout_create, name="handout-create"),
    path("collectes/", views_handouts.collection_list, name="collection-list"),
    path("collectes/nouvelle/", views_handouts.collection_create, name="collection-create"),
    path("collectes/<id:pk>/", views_handouts.collection_detail, name="collection-detail"),
    path("collectes/<id:pk>/zip/", views_handouts.collection_zip, name="collection-zip"),
]
