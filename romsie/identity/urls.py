from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("connexion/", views.SignInView.as_view(), name="sign-in"),
    path("deconnexion/", views.SignOutView.as_view(), name="sign-out"),
    path("deconnexion-partout/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("activation/", views.activate, name="activate"),
    path("activation/mot-de-passe/", views.activate_password, name="activate-password"),
    path("charte/", views.charter, name="charter"),
    path("profil/", views.profile, name="profile"),
    path("profil/mot-de-passe/", views.PasswordChangeView.as_view(), name="password-change"),
    path("contexte/", views.context_switch, name="context-switch"),
    path("mot-de-passe-oublie/", views.password_reset, name="password-reset"),
    path("mot-de-passe-oublie/envoye/", views.password_reset_done, name="password-reset-done"),
    path("mot-de-passe-oublie/<uidb64>/<token>/", views.password_reset_confirm, name="password-reset-confirm"),
    path("mot-de-passe-oublie/termine/", views.password_reset_complete, name="password-reset-complete"),
]
