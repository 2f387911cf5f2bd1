from django.urls import path

from . import views

app_name = "bookmarks"

urlpatterns = [
    path("", views.bookmark_list, name="bookmark-list"),
    path("nouveau/", views.bookmark_create, name="bookmark-create"),
    path("<id:pk>/modifier/", views.bookmark_update, name="bookmark-update"),
    path("<id:pk>/supprimer/", views.bookmark_delete, name="bookmark-delete"),
    path("<id:pk>/deplacer/", views.bookmark_move, name="bookmark-move"),
    path("diffuses/", views.pushed_list, name="pushed-list"),
    path("diffuses/nouveau/", views.pushed_create, name="pushed-create"),
    path("diffuses/<id:pk>/modifier/", views.pushed_update, name="pushed-update"),
    path("diffuses/<id:pk>/supprimer/", views.pushed_delete, name="pushed-delete"),
    path("territoire/", views.family_link_list, name="family-link-list"),
    path("territoire/nouveau/", views.family_link_create, name="family-link-create"),
    path("territoire/<id:pk>/modifier/", views.family_link_update, name="family-link-update"),
    path("territoire/<id:pk>/supprimer/", views.family_link_delete, name="family-link-delete"),
]
