"""People, their roles in establishments, guardianship, activation and sign-in records."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.core.text import fold
from romsie.establishments.models import Establishment, Territory


class User(AbstractUser):
    """One person, one account, whatever their roles and establishments.

    Minors' data: only what the ENT needs is stored (names, username, optional e-mail,
    the feeds' stable identifiers). No birth date, address or phone here: a student's
    ``comes_of_age_on`` (the day they turn 18, from the feed's birth date) is all school life
    needs, to let a student of age justify their own absences.
    """

    # Stable identifiers from the national feeds (AAF join key, INE for students).
    external_id = models.CharField(_("external identifier"), max_length=64, blank=True, db_index=True)
    ine = models.CharField(_("national student number (INE)"), max_length=11, blank=True)
    # Accent-free "last first" used by the directory search and ordering.
    search_name = models.CharField(max_length=300, blank=True, db_index=True, editable=False)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    charter_accepted_at = models.DateTimeField(_("usage charter accepted at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="fr")
    # Bumped to end every session of the account (deactivation, "sign out everywhere").
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # Set when provisioning deactivates a leaver: the account is kept (not deleted) until
    # deletion_due_on, so a person who comes back in a later feed gets it restored.
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    deletion_due_on = models.DateField(_("deletion due on"), null=True, blank=True)
    comes_of_age_on = models.DateField(_("comes of age on"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_name = fold(f"{self.last_name} {self.first_name}")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_session_auth_hash(self) -> str:
        """Tie sessions to the password *and* the epoch, so bumping it signs out everywhere."""
        return salted_hmac(
            "romsie.identity.User.get_session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_activated(self) -> bool:
        return self.activated_at is not None


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    PARENT = "parent", _("Parent")
    TEACHER = "teacher", _("Teacher")
    STAFF = "staff", _("Staff")
    PARTNER = "partner", _("Partner")


class StaffFunction(models.TextChoices):
    HEAD = "head", _("Head")
    SCHOOL_LIFE = "school_life", _("School life")
    LIBRARIAN = "librarian", _("Librarian")
    OFFICE = "office", _("Office")
    AFTER_SCHOOL = "after_school", _("After-school staff")
    DIGITAL_LEAD = "digital_lead", _("Digital lead")


_ROLE_LABELS = dict(Role.choices)
_FUNCTION_LABELS = dict(StaffFunction.choices)


class RoleAssignment(models.Model):
    """A person holds a role in an establishment (staff with a function)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="role_assignments")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    function = models.CharField(_("staff function"), max_length=16, choices=StaffFunction.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "establishment", "role", "function"], name="unique_role_assignment"
            ),
            models.CheckConstraint(
                condition=(Q(role="staff") & ~Q(function="")) | (~Q(role="staff") & Q(function="")),
                name="staff_has_function",
            ),
        ]
        indexes = [models.Index(fields=["establishment", "role"], name="role_establishment_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.profile_label} — {self.establishment}"

    @property
    def profile(self) -> str:
        """Return the habilitation profile key: the role, or ``staff.<function>``."""
        return f"staff.{self.function}" if self.role == Role.STAFF else self.role

    @property
    def profile_label(self) -> str:
        # The choices' own labels, looked up directly: get_FOO_display() rebuilds its table each call.
        if self.role == Role.STAFF:
            return str(_FUNCTION_LABELS.get(self.function, self.function))
        return str(_ROLE_LABELS.get(self.role, self.role))


class Guardianship(models.Model):
    """A guardian is in charge of a student, with rights; carried by the student's establishment."""

    class Kind(models.TextChoices):
        LEGAL = "legal", _("Legal guardian")
        OTHER = "other", _("Other person in charge")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="guardianships")
    guardian = models.ForeignKey(User, on_delete=models.CASCADE, related_name="children_links")
    student = models.ForeignKey(User, on_delete=models.CASCADE, related_name="guardian_links")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.LEGAL)
    relationship = models.CharField(_("relationship"), max_length=50, blank=True)
    rank = models.PositiveSmallIntegerField(_("legal guardian number"), null=True, blank=True)
    can_justify_absences = models.BooleanField(_("may justify absences"), default=True)
    receives_mail = models.BooleanField(_("receives school mail"), default=True)
    version = VersionField()  # grows at each edit through the form (romsie.core.concurrency)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            models.UniqueConstraint(fields=["guardian", "student", "establishment"], name="unique_guardianship"),
            models.CheckConstraint(condition=~Q(guardian=models.F("student")), name="guardian_is_not_student"),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.student}"


class ActivationCode(models.Model):
    """A one-time code printed on an activation letter; only its digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activation_codes")
    establishment = models.ForeignKey(
        Establishment, null=True, blank=True, on_delete=models.CASCADE, related_name="activation_codes"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"


class TerritoryAdmin(models.Model):
    """A person administers a territory: its establishments and their admins."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="admins")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="territory_admin_roles")

    class Meta:
        verbose_name = _("territory admin")
        verbose_name_plural = _("territory admins")
        constraints = [models.UniqueConstraint(fields=["territory", "user"], name="unique_territory_admin")]

    def __str__(self) -> str:
        return f"{self.user} — {self.territory}"


class ConnectionLog(models.Model):
    """One sign-in: who, when, in which establishment and role. Kept one year at most."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="connections")
    at = models.DateTimeField(auto_now_add=True)
    establishment = models.ForeignKey(Establishment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    profile = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        indexes = [models.Index(fields=["establishment", "at"], name="connection_estab_at_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d %H:%M}"
