"""Sign-in, first sign-in with an activation code, password recovery, profile, context."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from romsie.core import registry
from romsie.core.access.declarations import public, signed_in
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error

from . import second_factor, selectors, services
from .forms import (
    ActivationCodeForm,
    ChoosePasswordForm,
    ProfileForm,
    SecondFactorForm,
    SignInForm,
    TotpConfirmForm,
)
from .models import User
from .scope import SESSION_CHILD, SESSION_ESTABLISHMENT
from .signin import follow_language, record_sign_in

SESSION_ACTIVATION = "romsie_activation"
PASSWORD_BACKEND = "romsie.identity.backends.PasswordBackend"  # noqa: S105 (a module path)


@public
class SignInView(auth_views.LoginView):
    """Sign in with a username and password; records the connection."""

    form_class = SignInForm
    template_name = "identity/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if _second_step_needed(self.request, user):
            # Not signed in yet: the second step (or the mandatory enrolment) comes first.
            second_factor.pending_start(
                self.request, user, backend=str(getattr(user, "backend", "")), redirect_to=self.get_success_url()
            )
            response: HttpResponse = redirect("identity:second-factor")
        else:
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
        if selectors.second_factor_required(user):
            second_factor.pending_start(request, user, backend=PASSWORD_BACKEND, redirect_to=reverse("core:dashboard"))
            return redirect("identity:second-factor")
        login(request, user, backend=PASSWORD_BACKEND)
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
    context = {"form": form, "second_factor_offered": selectors.second_factor_offered(user)}
    return render(request, "identity/profile.html", context)


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


# Second factor (docs/second-factor.md)


def _no_store(response: HttpResponse) -> HttpResponse:
    """Keep a page showing secrets (QR code, recovery codes) out of every cache."""
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private"
    return response


def _second_step_needed(request: HttpRequest, user: User) -> bool:
    """Tell whether the password is not enough: a second factor to type, or one to set up first."""
    if selectors.totp_device(user) is not None:
        return not second_factor.device_is_remembered(request, user)
    return selectors.second_factor_required(user)


def _second_step_complete(request: HttpRequest, user: User, pending: dict[str, object]) -> None:
    second_factor.pending_clear(request)
    login(request, user, backend=str(pending["backend"] or PASSWORD_BACKEND))
    record_sign_in(request)


def _pending_target(request: HttpRequest, pending: dict[str, object]) -> str:
    target = str(pending.get("next") or "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("core:dashboard")
    return target


@public
def second_step(request: HttpRequest) -> HttpResponse:
    """Sign-in, after the right password: a code of the app or a recovery code (or the mandatory set-up)."""
    pending = second_factor.pending_get(request)
    user = selectors.person_pending_second_factor(pending["user"], pending["epoch"]) if pending else None
    if pending is None or user is None:
        second_factor.pending_clear(request)
        messages.error(request, _("Your sign-in has expired. Sign in again."))
        return redirect("identity:sign-in")
    if selectors.totp_device(user) is None:
        return _enrol_at_sign_in(request, user, pending)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signed = authenticate(
            request,
            username=user.username,
            second_factor_user=user,
            second_factor_token=form.cleaned_data["code"],
        )
        if signed is not None:
            target = _pending_target(request, pending)
            _second_step_complete(request, user, pending)
            response = redirect(target)
            if form.cleaned_data["remember"]:
                second_factor.remember_device(response, user)
            return response
        # A locked username is answered by django-axes' middleware ("too many attempts").
        form.add_error("code", _("This code is incorrect, or has already been used."))
    return render(request, "identity/second_step.html", {"form": form})


def _enrol_at_sign_in(request: HttpRequest, user: User, pending: dict[str, object]) -> HttpResponse:
    """A head, digital lead or territory admin without a second factor sets one up before going on."""
    if not selectors.second_factor_required(user):
        # The second factor was removed meanwhile (an administrator's reset): the password is enough.
        target = _pending_target(request, pending)
        _second_step_complete(request, user, pending)
        return redirect(target)
    device = services.totp_enrolment_start(user=user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrolment_confirm(user=user, code=form.cleaned_data["code"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            target = _pending_target(request, pending)
            _second_step_complete(request, user, pending)
            return _no_store(render(request, "identity/recovery_codes.html", {"codes": codes, "next": target}))
    context = _enrolment_context(device, user) | {"form": form, "mandatory": True}
    return _no_store(render(request, "identity/second_factor_enrol.html", context))


def _enrolment_context(device: TOTPDevice, user: User) -> dict[str, object]:
    return {
        "qr_svg": second_factor.qr_svg(device.config_url),
        "secret": second_factor.secret_text(device.bin_key),
        "account_name": user.username,
    }


def _offered_or_404(request: ScopedRequest) -> User:
    if not selectors.second_factor_offered(request.user):
        raise Http404
    return request.user


@signed_in
def second_factor_settings(request: ScopedRequest) -> HttpResponse:
    """My account, two-step verification: its state and what can be done with it."""
    user = _offered_or_404(request)
    context = {
        "device": selectors.totp_device(user),
        "codes_left": selectors.recovery_codes_left(user),
        "required": selectors.second_factor_required(user),
    }
    return render(request, "identity/second_factor.html", context)


@signed_in
def second_factor_enrol(request: ScopedRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the secret), then type its first code."""
    user = _offered_or_404(request)
    device = services.totp_enrolment_start(user=user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrolment_confirm(user=user, code=form.cleaned_data["code"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Two-step verification is on."))
            next_url = reverse("identity:second-factor-settings")
            return _no_store(render(request, "identity/recovery_codes.html", {"codes": codes, "next": next_url}))
    context = _enrolment_context(device, user) | {"form": form, "mandatory": False}
    return _no_store(render(request, "identity/second_factor_enrol.html", context))


@signed_in
@require_POST
def recovery_codes(request: ScopedRequest) -> HttpResponse:
    """Issue new recovery codes (the earlier ones stop working) and show them once."""
    user = _offered_or_404(request)
    if selectors.totp_device(user) is None:
        return redirect("identity:second-factor-settings")
    codes = services.recovery_codes_issue(user=user)
    next_url = reverse("identity:second-factor-settings")
    return _no_store(render(request, "identity/recovery_codes.html", {"codes": codes, "next": next_url}))


@signed_in
def second_factor_disable(request: ScopedRequest) -> HttpResponse:
    """Turn two-step verification off, after confirmation (refused when it is mandatory)."""
    user = _offered_or_404(request)
    if request.method == "POST":
        try:
            services.second_factor_disable(user=user)
        except ApplicationError as error:
            show_error(request, error)
        else:
            messages.success(request, _("Two-step verification is off."))
        return redirect("identity:second-factor-settings")
    return render(request, "identity/second_factor_disable.html", {"required": selectors.second_factor_required(user)})
