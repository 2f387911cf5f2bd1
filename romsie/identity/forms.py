"""Forms of the identity app: sign-in, activation, password choice."""

from typing import Any

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import User

ACTIVATION_ERRORS = {
    "wrong": _("The username or the activation code is incorrect. Check the letter from your establishment."),
    "expired": _("This activation code has expired. Ask your establishment for a new one."),
    "used": _("This activation code has already been used. Sign in with your password, or ask for a new code."),
    "revoked": _("This activation code has been replaced by a newer one. Use the latest letter you received."),
    "inactive": _("This account has been deactivated. Contact your establishment."),
    "locked": _("Too many attempts. Wait fifteen minutes, then try again."),
}


class SignInForm(AuthenticationForm):
    """Sign-in with the same answer whether the account exists or not."""

    error_messages = {
        "invalid_login": _("The username or the password is incorrect."),
        "inactive": _("This account has been deactivated. Contact your establishment."),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["username"].widget.attrs.update(autocomplete="username", autocapitalize="none")
        self.fields["password"].label = _("Password")

    def get_invalid_login_error(self) -> forms.ValidationError:
        # A deactivated account is named only when its password was right, so this
        # message reveals nothing to someone who does not know the password.
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        user = User.objects.filter(username__iexact=username, is_active=False).first() if username else None
        if user is not None and password and user.check_password(password):
            return forms.ValidationError(self.error_messages["inactive"], code="inactive")
        return super().get_invalid_login_error()


class ActivationCodeForm(forms.Form):
    """First step of the first sign-in: the username and the code of the letter."""

    username = forms.CharField(label=_("Username"), max_length=150)
    code = forms.CharField(
        label=_("Activation code"), max_length=20, help_text=_("Eight letters and digits, as on your letter.")
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autocapitalize="none")
        self.fields["code"].widget.attrs.update(autocomplete="one-time-code", autocapitalize="characters")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        username, code = cleaned.get("username"), cleaned.get("code")
        if username and code:
            user = authenticate(self.request, username=username, activation_code=code)
            if user is None:
                reason = getattr(self.request, "activation_error", "wrong")
                if getattr(self.request, "axes_locked_out", False):
                    reason = "locked"
                raise forms.ValidationError(ACTIVATION_ERRORS[reason], code=reason)
            self.user = user  # type: ignore[assignment]
        return cleaned


class ChoosePasswordForm(forms.Form):
    """Second step: choose a password and accept the usage charter."""

    password1 = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text=_("At least 10 characters. A short sentence is easy to remember and hard to guess."),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    accept_charter = forms.BooleanField(
        label=_("I have read and I accept the usage charter"),
        error_messages={"required": _("You must accept the usage charter to use the ENT.")},
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password2(self) -> str:
        p1, p2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if p1 and p2 and p1 != p2:
            raise forms.ValidationError(_("The two passwords differ."), code="password_mismatch")
        if p2:
            password_validation.validate_password(p2, self.user)
        return p2 or ""


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    """What a person may change about themselves."""

    class Meta:
        model = User
        fields = ["email", "language"]
        labels = {"email": _("E-mail (for password recovery)"), "language": _("Interface language")}
