from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("connexion/", views.SignInView.as_view(), name="sign-in"),
    path("connexion/verification/", views.second_step, name="second-factor"),
    path("deconnexion/", views.SignOutView.as_view(), name="sign-out"),
    path("deconnexion-partout/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("activation/", views.activate, name="activate"),
    path("activation/mot-de-passe/", views.activate_password, name="activate-password"),
    path("charte/", views.charter, name="charter"),
    path("profil/", views.profile, name="profile"),
    path("profil/mot-de-passe/", views.PasswordChangeView.as_view(), name="password-change"),
    path("profil/double-authentification/", views.second_factor_settings, name="second-factor-settings"),
    path("profil/double-authentification/activer/", views.second_factor_enrol, name="second-factor-enrol"),
    path("profil/double-authentification/codes-de-secours/", views.recovery_codes, name="recovery-codes"),
    path("profil/double-authentification/desactiver/", views.second_factor_disable, name="second-factor-disable"),
    path("contexte/", views.context_switch, name="context-switch"),
    path("mot-de-passe-oublie/", views.password_reset, name="password-reset"),
    path("mot-de-passe-oublie/envoye/", views.password_reset_done, name="password-reset-done"),
    path("mot-de-passe-oublie/<uidb64>/<token>/", views.password_reset_confirm, name="password-reset-confirm"),
    path("mot-de-passe-oublie/termine/", views.password_reset_complete, name="password-reset-complete"),
]
