"""Writes of the identity app: accounts, activation codes, sign-in records, deactivation."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.models import AuditEvent
from romsie.core.services import audit_record
from romsie.core.text import slug_part
from romsie.establishments.models import Establishment, Territory

from . import second_factor
from .habilitations import IdentityHabilitation
from .models import (
    ActivationCode,
    ConnectionLog,
    Guardianship,
    Role,
    RoleAssignment,
    StaffFunction,
    TerritoryAdmin,
    User,
)
from .selectors import second_factor_required

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I to avoid misreading
CODE_LENGTH = 8
CODE_VALIDITY = timedelta(days=120)

CONNECTION_LOG_RETENTION = timedelta(days=365)
# A person who leaves (deactivated by hand or missing from a full feed) is deleted after this.
LEAVER_RETENTION = timedelta(days=92)


#: why an activation code cannot be used, as told to the person who typed it
ACTIVATION_REFUSALS = {
    "wrong": _("The username or the activation code is incorrect. Check the letter from your establishment."),
    "expired": _("This activation code has expired. Ask your establishment for a new one."),
    "used": _("This activation code has already been used. Sign in with your password, or ask for a new code."),
    "revoked": _("This activation code has been replaced by a newer one. Use the latest letter you received."),
    "inactive": _("This account has been deactivated. Contact your establishment."),
}


def activation_refused(reason: str) -> ApplicationError:
    """Return the refusal of an activation code; ``extra["reason"]`` is a key of ``ACTIVATION_REFUSALS``."""
    return ApplicationError(str(ACTIVATION_REFUSALS[reason]), extra={"reason": reason})


def normalize_code(raw: str) -> str:
    """Return the code as stored: upper-case, without spaces or hyphens."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def format_code(code: str) -> str:
    """Return a code as printed, in two groups: ``ABCD-EFGH``."""
    return f"{code[:4]}-{code[4:]}"


def code_digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), normalize_code(code).encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def username_base(first_name: str, last_name: str) -> str:
    """Return ``prenom.nom``, accent-free, the stem of a new username."""
    first = slug_part(first_name) or "x"
    last = slug_part(last_name) or "x"
    return f"{first}.{last}"[:140]


def username_allocate(first_name: str, last_name: str, taken: set[str] | None = None) -> str:
    """Return a free username ``prenom.nom``, suffixed ``2``, ``3``... on collision.

    ``taken`` lets bulk callers (imports, the demo generator) allocate many names with
    one query; it is updated with the returned name.
    """
    base = username_base(first_name, last_name)
    if taken is None:
        taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    taken.add(candidate)
    return candidate


@transaction.atomic
def activation_codes_issue(
    *, users: Iterable[User], establishment: Establishment | None, scope: Scope | None = None
) -> dict[int, str]:
    """Issue a fresh code for each person, revoking their earlier unused ones.

    Returns ``{user_id: code}``: codes are shown once (on the letter) and only their
    digest is kept. Three queries whatever the number of people.
    """
    users = list(users)
    now = timezone.now()
    ids = [u.pk for u in users]
    ActivationCode.objects.filter(user_id__in=ids, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    codes = {u.pk: new_code() for u in users}
    ActivationCode.objects.bulk_create(
        ActivationCode(
            user_id=uid,
            establishment=establishment,
            digest=code_digest(code),
            expires_at=now + CODE_VALIDITY,
        )
        for uid, code in codes.items()
    )
    if scope is not None:
        audit_record(scope=scope, action="identity.codes_issued", target=f"{len(codes)} people")
    return codes


def activation_code_check(*, username: str, code: str) -> User:
    """Return the person a code belongs to, or raise :func:`activation_refused`'s error."""
    found = (
        ActivationCode.objects.select_related("user")
        .filter(digest=code_digest(code), user__username__iexact=username.strip())
        .first()
    )
    if found is None:
        raise activation_refused("wrong")
    if not found.user.is_active:
        raise activation_refused("inactive")
    if found.used_at is not None:
        raise activation_refused("used")
    if found.revoked_at is not None:
        raise activation_refused("revoked")
    if found.expires_at < timezone.now():
        raise activation_refused("expired")
    return found.user


@transaction.atomic
def account_activate(*, user: User, code: str, password: str) -> User:
    """Set the chosen password, record the charter's acceptance and use up the code."""
    validate_password(password, user)
    now = timezone.now()
    used = ActivationCode.objects.filter(
        user=user, digest=code_digest(code), used_at__isnull=True, revoked_at__isnull=True, expires_at__gte=now
    ).update(used_at=now)
    if used != 1:
        raise activation_refused("used")
    user.set_password(password)
    user.activated_at = user.activated_at or now
    user.charter_accepted_at = now
    user.save(update_fields=["password", "activated_at", "charter_accepted_at"])
    return user


def connection_record(*, user: User, scope: Scope) -> None:
    """Record a sign-in for the usage statistics (person, time, establishment, role)."""
    profile = ""
    if scope.profiles:
        from .scope import PROFILE_PRIORITY

        profile = min(scope.profiles, key=lambda p: PROFILE_PRIORITY.get(p, 99))
    ConnectionLog.objects.create(user=user, establishment_id=scope.establishment_id, profile=profile)


@transaction.atomic
def account_deactivate(*, scope: Scope, user: User) -> None:
    """Deactivate an account and end all its sessions (the session hash changes).

    The account is due for deletion three months later (:func:`leavers_purge`) unless it is
    reactivated before.
    """
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(
        is_active=False,
        session_epoch=F("session_epoch") + 1,
        deactivated_at=now,
        deletion_due_on=timezone.localdate(now) + LEAVER_RETENTION,
    )
    ActivationCode.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit_record(scope=scope, action="identity.deactivated", target=user)


@transaction.atomic
def account_reactivate(*, scope: Scope, user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=True, deactivated_at=None, deletion_due_on=None)
    audit_record(scope=scope, action="identity.reactivated", target=user)


def sign_out_everywhere(*, user: User) -> None:
    """End every session of the person, this one included."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)


def _account_new(*, first_name: str, last_name: str, email: str) -> User:
    """Save a new account with a free username and no password: it is activated with a code."""
    user = User(
        username=username_allocate(first_name, last_name),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
    )
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def person_create(
    *,
    establishment: Establishment,
    first_name: str,
    last_name: str,
    role: str,
    function: str = "",
    email: str = "",
    scope: Scope | None = None,
) -> User:
    """Create a person with a role in an establishment; they activate with a code."""
    user = _account_new(first_name=first_name, last_name=last_name, email=email)
    RoleAssignment.objects.create(user=user, establishment=establishment, role=role, function=function)
    if scope is not None:
        audit_record(scope=scope, action="identity.person_created", target=user, role=role)
    return user


@transaction.atomic
def guardianship_create(
    *,
    establishment: Establishment,
    guardian: User,
    student: User,
    kind: str = Guardianship.Kind.LEGAL,
    rank: int | None = None,
    relationship: str = "",
    can_justify_absences: bool = True,
    scope: Scope | None = None,
) -> Guardianship:
    """Link a guardian to a student and give the guardian the parent role there."""
    link, _ = Guardianship.objects.update_or_create(
        establishment=establishment,
        guardian=guardian,
        student=student,
        defaults={
            "kind": kind,
            "rank": rank,
            "relationship": relationship,
            "can_justify_absences": can_justify_absences,
        },
    )
    RoleAssignment.objects.get_or_create(user=guardian, establishment=establishment, role=Role.PARENT, function="")
    if scope is not None:
        audit_record(scope=scope, action="identity.guardianship_saved", target=link)
    return link


# Establishment administration: roles, guardian links and administrators.
# (Added for romsie.administration; the functions above are unchanged.)

ADMIN_FUNCTIONS = frozenset({StaffFunction.HEAD, StaffFunction.DIGITAL_LEAD})


def _check_in_establishment(scope: Scope, *objects: RoleAssignment | Guardianship) -> None:
    """Refuse rows of another establishment than the scope's current one."""
    if scope.establishment_id is None or any(o.establishment_id != scope.establishment_id for o in objects):
        raise PermissionDenied


def role_grant_check(scope: Scope, role: str, function: str) -> None:
    """Refuse to grant or take an administrator function without the right to adjust rights.

    Heads and digital leads hold ``identity.manage_habilitations``; staff to whom an
    establishment lent ``identity.manage_people`` cannot make (or unmake) an administrator.
    """
    if role == Role.STAFF and function in ADMIN_FUNCTIONS and not scope.has(IdentityHabilitation.MANAGE_HABILITATIONS):
        raise PermissionDenied


@transaction.atomic
def role_assignment_add(*, scope: Scope, user: User, role: str, function: str = "") -> RoleAssignment:
    """Give a person a role in the scope's establishment (or switch an inactive one back on)."""
    if scope.establishment_id is None:
        raise PermissionDenied
    function = function if role == Role.STAFF else ""
    role_grant_check(scope, role, function)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, establishment_id=scope.establishment_id, role=role, function=function
    )
    if not created and not assignment.is_active:
        assignment.is_active = True
        assignment.save(update_fields=["is_active"])
    audit_record(scope=scope, action="identity.role_added", target=user, role=assignment.profile)
    return assignment


@transaction.atomic
def role_assignment_remove(*, scope: Scope, assignment: RoleAssignment) -> None:
    """Take a role away from a person in the scope's establishment."""
    _check_in_establishment(scope, assignment)
    role_grant_check(scope, assignment.role, assignment.function)
    assignment.delete()
    audit_record(scope=scope, action="identity.role_removed", target=assignment.user, role=assignment.profile)


@transaction.atomic
def guardian_add(
    *,
    scope: Scope,
    establishment: Establishment,
    student: User,
    guardian: User | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    kind: str = Guardianship.Kind.LEGAL,
    rank: int | None = None,
    relationship: str = "",
    can_justify_absences: bool = True,
) -> Guardianship:
    """Link a student to an existing person, or to a new one created as a parent."""
    if establishment.pk != scope.establishment_id:
        raise PermissionDenied
    if guardian is None:
        guardian = person_create(
            establishment=establishment,
            first_name=first_name,
            last_name=last_name,
            role=Role.PARENT,
            email=email,
            scope=scope,
        )
    return guardianship_create(
        establishment=establishment,
        guardian=guardian,
        student=student,
        kind=kind,
        rank=rank,
        relationship=relationship,
        can_justify_absences=can_justify_absences,
        scope=scope,
    )


@transaction.atomic
def guardianship_update(
    *,
    scope: Scope,
    guardianship: Guardianship,
    version: int | None,
    kind: str,
    rank: int | None,
    relationship: str,
    can_justify_absences: bool,
    receives_mail: bool,
) -> Guardianship:
    """Change the kind, rank and rights of a guardian link, if nobody did since ``version``."""
    _check_in_establishment(scope, guardianship)
    claim_version(guardianship, version)
    guardianship.kind = kind
    guardianship.rank = rank
    guardianship.relationship = relationship
    guardianship.can_justify_absences = can_justify_absences
    guardianship.receives_mail = receives_mail
    guardianship.save(
        update_fields=["kind", "rank", "relationship", "can_justify_absences", "receives_mail", "version"]
    )
    audit_record(scope=scope, action="identity.guardianship_saved", target=guardianship)
    return guardianship


@transaction.atomic
def guardianship_remove(*, scope: Scope, guardianship: Guardianship) -> None:
    """Remove a guardian link; a guardian left with no child here loses the parent role here."""
    _check_in_establishment(scope, guardianship)
    guardian_id = guardianship.guardian_id
    target = str(guardianship)
    guardianship.delete()
    if not Guardianship.objects.filter(guardian_id=guardian_id, establishment_id=scope.establishment_id).exists():
        RoleAssignment.objects.filter(
            user_id=guardian_id, establishment_id=scope.establishment_id, role=Role.PARENT
        ).delete()
    audit_record(scope=scope, action="identity.guardianship_removed", target=target)


def _check_territory(scope: Scope, establishment: Establishment) -> None:
    if establishment.territory_id not in scope.territory_ids:
        raise PermissionDenied


@transaction.atomic
def establishment_admin_appoint(
    *, scope: Scope, establishment: Establishment, user: User, function: str
) -> RoleAssignment:
    """Make a person head or digital lead of an establishment (territory admins only)."""
    _check_territory(scope, establishment)
    if function not in ADMIN_FUNCTIONS:
        raise PermissionDenied
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, establishment=establishment, role=Role.STAFF, function=function
    )
    if not created and not assignment.is_active:
        assignment.is_active = True
        assignment.save(update_fields=["is_active"])
    audit_record(
        scope=scope, action="identity.admin_appointed", target=user, establishment=establishment.uai, function=function
    )
    return assignment


@transaction.atomic
def establishment_admin_create(
    *, scope: Scope, establishment: Establishment, first_name: str, last_name: str, function: str, email: str = ""
) -> tuple[User, str]:
    """Create a new person as head or digital lead; return them and their activation code."""
    _check_territory(scope, establishment)
    if function not in ADMIN_FUNCTIONS:
        raise PermissionDenied
    user = person_create(
        establishment=establishment,
        first_name=first_name,
        last_name=last_name,
        role=Role.STAFF,
        function=function,
        email=email,
    )
    audit_record(
        scope=scope, action="identity.admin_appointed", target=user, establishment=establishment.uai, function=function
    )
    code = activation_codes_issue(users=[user], establishment=establishment, scope=scope)[user.pk]
    return user, code


@transaction.atomic
def territory_admin_create(
    *,
    scope: Scope,
    territory: Territory,
    first_name: str,
    last_name: str,
    email: str = "",
    mail_code: bool = False,
) -> tuple[User, str]:
    """Create a new person as admin of a territory; return them and their activation code.

    Reserved to the platform operator: ``manage.py territory_create`` gives a new territory its
    first admin, the operator's pages (``/operateur/``) add more. The code is issued like every
    other one (:func:`activation_codes_issue`). With ``mail_code`` it is e-mailed to ``email``
    (:func:`territory_admin_code_mail`); a mail that cannot be sent raises an
    ``ApplicationError`` (reason ``mail_failed``) and nothing is written.
    """
    if not scope.is_operator:
        raise PermissionDenied
    user = _account_new(first_name=first_name, last_name=last_name, email=email)
    TerritoryAdmin.objects.create(territory=territory, user=user)
    audit_record(scope=scope, action="identity.territory_admin_appointed", target=user, territory=territory)
    code = activation_codes_issue(users=[user], establishment=None, scope=scope)[user.pk]
    if mail_code:
        territory_admin_code_mail(territory=territory, user=user, code=code)
    return user, code


def activation_url() -> str:
    """The address of the activation page (*Première connexion*) as people type it."""
    return str(settings.ROMSIE_PUBLIC_URL).rstrip("/") + reverse("identity:activate")


def territory_admin_code_mail(*, territory: Territory, user: User, code: str) -> None:
    """E-mail a new territory admin their username and activation code (the site's e-mail settings).

    Raises ``ApplicationError`` (reason ``mail_failed``) when the SMTP relay refuses it, so the
    caller's transaction is rolled back: no account whose code nobody received.
    """
    expires_on = timezone.localdate() + CODE_VALIDITY
    body = gettext(
        "Hello,\n\n"
        "An administrator account of the ENT has been opened for you for %(territory)s.\n\n"
        "To activate it, open %(url)s and enter:\n"
        "  username: %(username)s\n"
        "  activation code: %(code)s\n\n"
        "The code can be used once, until %(expires)s.\n"
    ) % {
        "territory": territory.name,
        "url": activation_url(),
        "username": user.username,
        "code": format_code(code),
        "expires": formats.date_format(expires_on, "DATE_FORMAT"),
    }
    subject = gettext("Your administrator account for %(territory)s") % {"territory": territory.name}
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except (OSError, smtplib.SMTPException) as error:
        raise ApplicationError(
            _("The activation e-mail could not be sent (%(error)s); nothing was written.") % {"error": error},
            extra={"reason": "mail_failed"},
        ) from error


@transaction.atomic
def establishment_admin_remove(*, scope: Scope, assignment: RoleAssignment) -> None:
    """End a head's or digital lead's appointment (their other roles stay)."""
    _check_territory(scope, assignment.establishment)
    if assignment.role != Role.STAFF or assignment.function not in ADMIN_FUNCTIONS:
        raise PermissionDenied
    assignment.delete()
    audit_record(
        scope=scope,
        action="identity.admin_removed",
        target=assignment.user,
        establishment=assignment.establishment.uai,
        function=assignment.function,
    )


def leavers_purge(*, now: datetime | None = None) -> int:
    """Delete the accounts deactivated long enough ago that their deletion date has come.

    Deleting an account removes its roles, links and sign-in records with it; what others
    keep (an import history, an audit event) loses the person's name, not its own record.
    One audit event records how many accounts were deleted, with no personal data.
    """
    today = timezone.localdate(now or timezone.now())
    due = User.objects.filter(is_active=False, deletion_due_on__isnull=False, deletion_due_on__lte=today)
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        User.objects.filter(pk__in=ids).delete()
        AuditEvent.objects.create(action="identity.leavers_purged", details={"count": str(len(ids))})
    return len(ids)


def connection_logs_purge(*, now: datetime | None = None) -> int:
    """Delete sign-in records older than one year (the brief's retention limit)."""
    cutoff = (now or timezone.now()) - CONNECTION_LOG_RETENTION
    deleted, _ = ConnectionLog.objects.filter(at__lt=cutoff).delete()
    return deleted


# Second factor (docs/second-factor.md): an authenticator app (TOTP) and recovery codes.

TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"


def _own_audit(user: User, action: str) -> None:
    """Record an action a person took on their own account (no establishment involved)."""
    AuditEvent.objects.create(actor_id=user.pk, action=action, target=str(user)[:200], details={})


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """Return the person's authenticator app being set up, with a fresh secret the first time."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_enrolment_confirm(*, user: User, code: str) -> list[str]:
    """Confirm the authenticator app being set up with its first code; return new recovery codes.

    Replaces an earlier app of the person. Raises ``ApplicationError`` for a wrong code.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    typed = second_factor.normalize_code(code)
    if device is None or not second_factor.is_totp_code(typed) or not device.verify_token(typed):
        raise ApplicationError(
            gettext("This code is not the one your app shows. Check the time of your phone and type the current code."),
            extra={"reason": "wrong_code"},
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _own_audit(user, "identity.second_factor_enabled")
    return recovery_codes_issue(user=user)


@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    """Issue ten single-use recovery codes (shown once), replacing the earlier ones; only hashes are kept."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [second_factor.recovery_code_new() for _ in range(second_factor.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=second_factor.recovery_code_digest(code)) for code in codes
    )
    return [second_factor.recovery_code_format(code) for code in codes]


def second_factor_verify(*, user: User, code: str) -> bool:
    """Check a code from the authenticator app, or use up a recovery code; True when it is right.

    django-otp refuses a TOTP code already used, and slows down a device after failures.
    """
    typed = second_factor.normalize_code(code)
    if second_factor.is_totp_code(typed):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        return device is not None and bool(device.verify_token(typed))
    if len(typed) != second_factor.RECOVERY_CODE_LENGTH:
        return False
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if recovery is None:
        return False
    with transaction.atomic():
        return bool(recovery.verify_token(second_factor.recovery_code_digest(typed)))


@transaction.atomic
def second_factor_disable(*, user: User) -> None:
    """Remove the person's authenticator app and recovery codes, unless the second factor is mandatory."""
    if second_factor_required(user):
        raise ApplicationError(
            gettext("The second factor is mandatory for your functions: you cannot turn it off."),
            extra={"reason": "required"},
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _own_audit(user, "identity.second_factor_disabled")


@transaction.atomic
def sessions_end(*, scope: Scope, user: User) -> None:
    """An administrator ends every session of a person they manage (and so their remembered devices)."""
    sign_out_everywhere(user=user)
    audit_record(scope=scope, action="identity.sessions_ended", target=user)


@transaction.atomic
def second_factor_reset(*, scope: Scope, user: User) -> None:
    """An administrator removes a person's second factor (a lost phone); their sessions end too.

    The person signs in with their password alone next time, and must set up a new app
    then if the second factor is mandatory for them.
    """
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    sign_out_everywhere(user=user)
    audit_record(scope=scope, action="identity.second_factor_reset", target=user)
