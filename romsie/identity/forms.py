"""Forms of the identity app: sign-in, activation, password choice."""

from typing import Any

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import VersionedForm
from romsie.establishments.models import Territory

from .backends import INACTIVE_ACCOUNT_NOTE
from .habilitations import IdentityHabilitation
from .models import Guardianship, Role, RoleAssignment, StaffFunction, User
from .services import ACTIVATION_REFUSALS, ADMIN_FUNCTIONS

ACTIVATION_ERRORS = {**ACTIVATION_REFUSALS, "locked": _("Too many attempts. Wait fifteen minutes, then try again.")}


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
        # No autofocus: keyboard and screen-reader users start at the skip link and the header.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["password"].label = _("Password")

    def get_invalid_login_error(self) -> forms.ValidationError:
        # A deactivated account is named only when its password was right, so this
        # message reveals nothing to someone who does not know the password. The backend
        # noted it while checking the password: checking again here would take twice as
        # long for deactivated accounts, and the delay would name them to anybody.
        if getattr(self.request, INACTIVE_ACCOUNT_NOTE, False):
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


# Establishment administration (added for romsie.administration).


def _person_label(user: Any) -> str:
    return f"{user.last_name} {user.first_name} ({user.username})".strip()


class _PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return _person_label(obj)


def _admin_functions_allowed(scope: Scope) -> bool:
    return scope.has(IdentityHabilitation.MANAGE_HABILITATIONS)


class RoleFieldsMixin(forms.Form):
    """A role and, for staff, a function; administrator functions only for those who adjust rights."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    function = forms.ChoiceField(
        label=_("Staff function"),
        choices=[("", "—"), *StaffFunction.choices],
        required=False,
        help_text=_("Only for the staff role."),
    )

    def limit_functions(self, scope: Scope) -> None:
        if not _admin_functions_allowed(scope):
            field = self.fields["function"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "—"), *((v, label) for v, label in StaffFunction.choices if v not in ADMIN_FUNCTIONS)]

    def clean_role_and_function(self, cleaned: dict[str, Any]) -> None:
        role, function = cleaned.get("role"), cleaned.get("function") or ""
        if role == Role.STAFF and not function:
            self.add_error("function", _("Choose the staff function."))
        elif role and role != Role.STAFF:
            cleaned["function"] = ""


class PersonCreateForm(RoleFieldsMixin):
    """A new person of the establishment, who will activate their account with a code."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False, help_text=_("Optional. Never for young students."))
    field_order = ["first_name", "last_name", "role", "function", "email"]

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_functions(scope)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.clean_role_and_function(cleaned)
        return cleaned


class RoleAddForm(RoleFieldsMixin):
    """Give a person one more role in the establishment."""

    def __init__(self, *args: Any, scope: Scope, person: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.person = person
        self.limit_functions(scope)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.clean_role_and_function(cleaned)
        role, function = cleaned.get("role"), cleaned.get("function", "")
        if role and not self.errors:
            held = RoleAssignment.objects.filter(
                user=self.person,
                establishment_id=self.scope.establishment_id,
                role=role,
                function=function,
                is_active=True,
            )
            if held.exists():
                raise forms.ValidationError(_("This person already holds this role here."))
        return cleaned


RANK_CHOICES = [("", _("None")), ("1", _("First legal guardian")), ("2", _("Second legal guardian"))]


class GuardianRightsFieldsMixin(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Guardianship.Kind.choices, initial=Guardianship.Kind.LEGAL)
    rank = forms.TypedChoiceField(
        label=_("Legal guardian number"), choices=RANK_CHOICES, coerce=int, empty_value=None, required=False
    )
    relationship = forms.CharField(
        label=_("Relationship"), max_length=50, required=False, help_text=_("For example: mother, grandfather.")
    )
    can_justify_absences = forms.BooleanField(label=_("May justify absences"), required=False, initial=True)

    def check_rank(self, cleaned: dict[str, Any], siblings: Any) -> None:
        """Refuse a rank for other persons in charge, and a rank already given to another guardian."""
        rank, kind = cleaned.get("rank"), cleaned.get("kind")
        if rank is None:
            return
        if kind != Guardianship.Kind.LEGAL:
            self.add_error("rank", _("Only legal guardians have a number."))
        elif siblings.filter(rank=rank, kind=Guardianship.Kind.LEGAL).exists():
            self.add_error("rank", _("Another legal guardian of this student already has this number."))


class GuardianAddForm(GuardianRightsFieldsMixin):
    """Link a student to a guardian: an existing person of the establishment, or a new one."""

    existing = _PersonChoiceField(
        label=_("Existing person"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty to create a new person with the names below."),
    )
    first_name = forms.CharField(label=_("First name of a new person"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name of a new person"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail of a new person"), required=False)
    field_order = ["existing", "first_name", "last_name", "email", "kind", "rank", "relationship"]

    def __init__(
        self,
        *args: Any,
        student: User,
        candidates: models.QuerySet[User],
        links: models.QuerySet[Guardianship],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.student = student
        self.links = links
        field = self.fields["existing"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates.exclude(pk=student.pk)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        existing = cleaned.get("existing")
        names = cleaned.get("first_name") or cleaned.get("last_name")
        if "existing" in self.errors:
            return cleaned
        if existing and names:
            raise forms.ValidationError(_("Choose an existing person or type the names of a new one, not both."))
        if not existing and not (cleaned.get("first_name") and cleaned.get("last_name")):
            raise forms.ValidationError(_("Choose an existing person, or type the first and last names of a new one."))
        if existing and self.links.filter(guardian=existing).exists():
            self.add_error("existing", _("This person is already in charge of this student."))
        self.check_rank(cleaned, self.links)
        return cleaned


class GuardianshipForm(VersionedForm, GuardianRightsFieldsMixin):
    """The kind, number and rights of an existing guardian link (posts the version shown)."""

    receives_mail = forms.BooleanField(label=_("Receives school mail"), required=False)

    def __init__(self, *args: Any, guardianship: Guardianship, links: models.QuerySet[Guardianship], **kw: Any) -> None:
        initial = {
            "kind": guardianship.kind,
            "rank": guardianship.rank,
            "relationship": guardianship.relationship,
            "can_justify_absences": guardianship.can_justify_absences,
            "receives_mail": guardianship.receives_mail,
        }
        super().__init__(*args, initial=initial, edited=guardianship, **kw)
        self.links = links.exclude(pk=guardianship.pk)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_rank(cleaned, self.links)
        return cleaned


ADMIN_FUNCTION_CHOICES = [(f, StaffFunction(f).label) for f in (StaffFunction.HEAD, StaffFunction.DIGITAL_LEAD)]


class EstablishmentAdminAppointForm(forms.Form):
    """Appoint an existing person, found by username, head or digital lead of an establishment."""

    username = forms.CharField(label=_("Username"), max_length=150)
    function = forms.ChoiceField(label=_("Function"), choices=ADMIN_FUNCTION_CHOICES)

    def __init__(self, *args: Any, candidates: models.QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.person: User | None = None
        self.fields["username"].widget.attrs.update(autocomplete="off", autocapitalize="none")

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        self.person = self.candidates.filter(username__iexact=username).first()
        if self.person is None:
            raise forms.ValidationError(_("Nobody in the territory's establishments has this username."))
        return username


class EstablishmentAdminCreateForm(forms.Form):
    """Create a new person as head or digital lead of an establishment."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    function = forms.ChoiceField(label=_("Function"), choices=ADMIN_FUNCTION_CHOICES)
    email = forms.EmailField(label=_("E-mail"), required=False)


class TerritoryAdminAddForm(forms.Form):
    """The operator adds an admin to an existing territory (a new person, activated with a code)."""

    territory = forms.ModelChoiceField(label=_("Territory"), queryset=Territory.objects.order_by("name"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("With an address, the username and activation code are e-mailed there; without, shown here once."),
    )


# Second factor (docs/second-factor.md)


class SecondFactorForm(forms.Form):
    """The second step of sign-in: a code of the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
    )
    remember = forms.BooleanField(
        label=_("Remember this device for 30 days"),
        required=False,
        help_text=_("Only on a device of your own, never on a shared computer."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            autocomplete="one-time-code", autocapitalize="characters", spellcheck="false"
        )


class TotpConfirmForm(forms.Form):
    """Setting up the authenticator app: its first code proves it holds the secret."""

    code = forms.CharField(
        label=_("Code shown by the app"), max_length=10, help_text=_("Six digits, renewed every thirty seconds.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(autocomplete="one-time-code", inputmode="numeric")
