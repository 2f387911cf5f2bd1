from django.urls import path

from . import views

app_name = "communities"

urlpatterns = [
    path("", views.community_list, name="community-list"),
    path("nouvelle/", views.community_create, name="community-create"),
    path("<id:pk>/", views.community_detail, name="community-detail"),
    path("<id:pk>/modifier/", views.community_update, name="community-update"),
    path("<id:pk>/quitter/", views.community_leave, name="community-leave"),
    path("<id:pk>/dossier/", views.community_folder, name="community-folder"),
    path("<id:pk>/membres/", views.member_list, name="member-list"),
    path("<id:pk>/membres/inviter/", views.member_invite, name="member-invite"),
    path("<id:pk>/membres/recherche/", views.people_search, name="people-search"),
    path("membres/<id:pk>/role/", views.member_role, name="member-role"),
    path("membres/<id:pk>/retirer/", views.member_remove, name="member-remove"),
    path("invitations/<id:pk>/accepter/", views.invitation_accept, name="invitation-accept"),
    path("invitations/<id:pk>/refuser/", views.invitation_decline, name="invitation-decline"),
    path("<id:pk>/mur/publier/", views.post_create, name="post-create"),
    path("mur/<id:pk>/modifier/", views.post_update, name="post-update"),
    path("mur/<id:pk>/supprimer/", views.post_delete, name="post-delete"),
    path("mur/<id:pk>/masquer/", views.post_hide, name="post-hide"),
    path("mur/<id:pk>/reagir/", views.post_react, name="post-react"),
    path("mur/<id:pk>/commenter/", views.comment_create, name="comment-create"),
    path("commentaires/<id:pk>/supprimer/", views.comment_delete, name="comment-delete"),
    path("<id:pk>/wiki/", views.wiki_index, name="wiki-index"),
    path("<id:pk>/nouvelle-page/", views.wiki_create, name="wiki-create"),
    path("<id:pk>/wiki/<slug:slug>/", views.wiki_page, name="wiki-page"),
    path("<id:pk>/wiki/<slug:slug>/modifier/", views.wiki_edit, name="wiki-edit"),
    path("<id:pk>/wiki/<slug:slug>/historique/", views.wiki_history, name="wiki-history"),
    path("<id:pk>/wiki/<slug:slug>/versions/<id:number>/", views.wiki_revision, name="wiki-revision"),
    path("<id:pk>/wiki/<slug:slug>/versions/<id:number>/restaurer/", views.wiki_restore, name="wiki-restore"),
]
