from django.urls import path

from . import views

app_name = "blogs"

urlpatterns = [
    path("", views.blog_list, name="blog-list"),
    path("nouveau/", views.blog_create, name="blog-create"),
    path("<id:pk>/", views.blog_detail, name="blog-detail"),
    path("<id:pk>/reglages/", views.blog_settings, name="blog-settings"),
    path("<id:pk>/validation/", views.blog_queue, name="blog-queue"),
    path("<id:pk>/ecrire/", views.post_create, name="post-create"),
    path("billets/<id:pk>/", views.post_detail, name="post-detail"),
    path("billets/<id:pk>/modifier/", views.post_update, name="post-update"),
    path("billets/<id:pk>/supprimer/", views.post_delete, name="post-delete"),
    path("billets/<id:pk>/publier/", views.post_validate, name="post-validate"),
    path("billets/<id:pk>/refuser/", views.post_refuse, name="post-refuse"),
    path("billets/<id:pk>/commenter/", views.comment_create, name="comment-create"),
    path("billets/<id:pk>/aimer/", views.post_like, name="post-like"),
    path("commentaires/<id:pk>/approuver/", views.comment_approve, name="comment-approve"),
    path("commentaires/<id:pk>/masquer/", views.comment_hide, name="comment-hide"),
]
