from django.urls import path

from . import views

app_name = "forums"

urlpatterns = [
    path("", views.forum_list, name="forum-list"),
    path("nouveau/", views.forum_create, name="forum-create"),
    path("<id:pk>/", views.forum_detail, name="forum-detail"),
    path("<id:pk>/categories/nouvelle/", views.category_create, name="category-create"),
    path("categories/<id:pk>/", views.category_detail, name="category-detail"),
    path("categories/<id:pk>/sujets/nouveau/", views.topic_create, name="topic-create"),
    path("sujets/<id:pk>/", views.topic_detail, name="topic-detail"),
    path("sujets/<id:pk>/repondre/", views.topic_reply, name="topic-reply"),
    path("sujets/<id:pk>/suivre/", views.topic_follow, name="topic-follow"),
    path("sujets/<id:pk>/moderer/", views.topic_moderate, name="topic-moderate"),
    path("sujets/<id:pk>/deplacer/", views.topic_move, name="topic-move"),
    path("messages/<id:pk>/modifier/", views.reply_update, name="reply-update"),
    path("messages/<id:pk>/signaler/", views.reply_report, name="reply-report"),
    path("messages/<id:pk>/moderer/", views.reply_moderate, name="reply-moderate"),
    path("communautes/<id:pk>/", views.community_forum, name="community-forum"),
    path("signalements/", views.report_list, name="report-list"),
    path("signalements/<id:pk>/traiter/", views.report_resolve, name="report-resolve"),
]
