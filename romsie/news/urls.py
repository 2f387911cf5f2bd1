from django.urls import path

from . import views

app_name = "news"

urlpatterns = [
    path("", views.item_list, name="item-list"),
    path("gestion/", views.item_manage, name="item-manage"),
    path("nouvelle/", views.item_create, name="item-create"),
    path("<id:pk>/", views.item_detail, name="item-detail"),
    path("<id:pk>/modifier/", views.item_update, name="item-update"),
    path("<id:pk>/supprimer/", views.item_delete, name="item-delete"),
    path("<id:pk>/lu/", views.item_confirm, name="item-confirm"),
    path("<id:pk>/lectures/", views.item_confirmations, name="item-confirmations"),
    path("post-it/", views.note_list, name="note-list"),
    path("post-it/nouveau/", views.note_create, name="note-create"),
    path("post-it/<id:pk>/retirer/", views.note_delete, name="note-delete"),
]
