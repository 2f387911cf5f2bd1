"""Sign-in, first sign-in with an activation code, password recovery, profile, context."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core import registry
from romsie.core.access.declarations import public, signed_in
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error

from . import selectors, services
from .forms import ActivationCodeForm, ChoosePasswordForm, ProfileForm, SignInForm
from .scope import SESSION_CHILD, SESSION_ESTABLISHMENT
from .signin import follow_language, record_sign_in

SESSION_ACTIVATION = "romsie_activation"


@public
class SignInView(auth_views.LoginView):
    """Sign in with a username and password; records the connection."""

    form_class = SignInForm
    template_name = "identity/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        record_sign_in(self.request)
        follow_language(response, form.get_user())
        return response

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        # The buttons of the identity providers ("Sign in with EduConnect"), from the apps.
        return {**super().get_context_data(**kwargs), "sign_in_choices": registry.sign_in_choices()}


@public
class SignOutView(auth_views.LogoutView):
    """Sign out (POST only) and come back to the sign-in page.

    The browser is told to forget what it kept of the person (Clear-Site-Data): the pages the
    service worker stored for offline reading, the worker itself and the HTTP cache.
    """

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


@public
def activate(request: HttpRequest) -> HttpResponse:
    """First sign-in, step one: check the username and the letter's activation code."""
    form = ActivationCodeForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert form.user is not None
        request.session[SESSION_ACTIVATION] = {"user": form.user.pk, "code": form.cleaned_data["code"]}
        return redirect("identity:activate-password")
    return render(request, "identity/activate.html", {"form": form})


@public
def activate_password(request: HttpRequest) -> HttpResponse:
    """First sign-in, step two: choose a password, accept the charter, and sign in."""
    pending = request.session.get(SESSION_ACTIVATION)
    if not pending:
        messages.error(request, _("Start by entering your activation code."))
        return redirect("identity:activate")
    user = selectors.person_pending_activation(pending["user"])
    if user is None:
        request.session.pop(SESSION_ACTIVATION, None)
        return redirect("identity:activate")
    form = ChoosePasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_activate(user=user, code=pending["code"], password=form.cleaned_data["password1"])
        except ApplicationError as error:
            request.session.pop(SESSION_ACTIVATION, None)
            show_error(request, error)
            return redirect("identity:sign-in")
        request.session.pop(SESSION_ACTIVATION, None)
        login(request, user, backend="romsie.identity.backends.PasswordBackend")
        record_sign_in(request)
        messages.success(request, _("Your account is ready. Welcome!"))
        return redirect("core:dashboard")
    return render(request, "identity/activate_password.html", {"form": form, "person": user})


@public
def charter(request: HttpRequest) -> HttpResponse:
    """The usage charter every person accepts at their first sign-in."""
    return render(request, "identity/charter.html")


@signed_in
def profile(request: ScopedRequest) -> HttpResponse:
    """My account: e-mail for recovery, language, password change."""
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your account has been updated."))
        response = redirect("identity:profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"], samesite="Lax")
        return response
    return render(request, "identity/profile.html", {"form": form})


@signed_in
class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "identity/password_change.html"
    success_url = reverse_lazy("identity:profile")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


@signed_in
@require_POST
def sign_out_everywhere(request: ScopedRequest) -> HttpResponse:
    """End every session of the account, on every device."""
    services.sign_out_everywhere(user=request.user)
    return redirect("identity:sign-in")


@signed_in
@require_POST
def context_switch(request: ScopedRequest) -> HttpResponse:
    """Change the current establishment or child; the scope checks the choice is allowed."""
    scope = request.scope
    establishment = request.POST.get("establishment", "")
    child = request.POST.get("child", "")
    if (
        establishment.isdigit()
        and int(establishment) in {e.id for e in scope.establishments}
        and int(establishment) != scope.establishment_id
    ):
        request.session[SESSION_ESTABLISHMENT] = int(establishment)
        request.session.pop(SESSION_CHILD, None)
    if child.isdigit() and int(child) in {c.id for c in scope.children}:
        request.session[SESSION_CHILD] = int(child)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("core:dashboard")
    return HttpResponseRedirect(target)


password_reset = public(
    auth_views.PasswordResetView.as_view(
        template_name="identity/password_reset.html",
        email_template_name="identity/password_reset_email.txt",
        subject_template_name="identity/password_reset_subject.txt",
        success_url=reverse_lazy("identity:password-reset-done"),
    )
)
password_reset_done = public(
    auth_views.PasswordResetDoneView.as_view(template_name="identity/password_reset_done.html")
)
password_reset_confirm = public(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="identity/password_reset_confirm.html",
        success_url=reverse_lazy("identity:password-reset-complete"),
    )
)
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(template_name="identity/password_reset_complete.html")
)
