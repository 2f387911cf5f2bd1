"""What a client learns about a person, by scope (id_token and userinfo alike).

* ``sub``: a pairwise identifier, an HMAC of the client id and the person's id under
  ``OIDC_SUBJECT_SECRET``: stable for one client, different for every client (two vendors cannot
  match their users by it), and it reveals no database id.
* ``profile``: names and username; ``email``: the e-mail address when the ENT has one;
* ``establishment``: for each establishment where the person holds an active role, its UAI, name,
  the person's profiles there and their current classes (a student's own, a teacher's taught ones).

Two queries at most whatever the number of establishments (roles, then classes).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.crypto import salted_hmac

from romsie.identity.models import Role, RoleAssignment, User
from romsie.schooling.access import current_class_ids
from romsie.schooling.models import SchoolClass, Teaching

#: The claims of each scope (discovery's ``claims_supported``).
SCOPE_CLAIMS: dict[str, list[str]] = {
    "openid": ["sub"],
    "profile": ["name", "given_name", "family_name", "preferred_username"],
    "email": ["email"],
    "establishment": ["establishments"],
}


def subject(user: User, client_id: str) -> str:
    """The pairwise subject identifier of ``user`` for the client ``client_id``."""
    return salted_hmac(
        "romsie.openid.sub", f"{client_id}:{user.pk}", secret=settings.OIDC_SUBJECT_SECRET, algorithm="sha256"
    ).hexdigest()


def _establishments(user: User) -> list[dict[str, Any]]:
    roles = list(
        RoleAssignment.objects.filter(user=user, is_active=True, establishment__is_active=True)
        .select_related("establishment")
        .order_by("establishment__name", "role", "function")
    )
    by_establishment: dict[int, dict[str, Any]] = {}
    student_in: list[int] = []
    teacher_in: list[int] = []
    for role in roles:
        entry = by_establishment.setdefault(
            role.establishment_id,
            {"uai": role.establishment.uai, "name": role.establishment.name, "profiles": [], "classes": []},
        )
        entry["profiles"].append(role.profile)
        if role.role == Role.STUDENT:
            student_in.append(role.establishment_id)
        elif role.role == Role.TEACHER:
            teacher_in.append(role.establishment_id)
    class_ids: list[QuerySet[Any, Any]] = [current_class_ids(pk, user.pk) for pk in student_in]
    if teacher_in:
        class_ids.append(
            Teaching.objects.filter(
                teacher=user, establishment_id__in=teacher_in, school_class__school_year__is_current=True
            ).values("school_class_id")
        )
    if class_ids:
        union = class_ids[0].union(*class_ids[1:]) if len(class_ids) > 1 else class_ids[0]
        for school_class in SchoolClass.objects.filter(pk__in=union).order_by("name"):
            found = by_establishment.get(school_class.establishment_id)
            if found is not None:
                found["classes"].append(school_class.name)
    return list(by_establishment.values())


def claims_for(user: User, client_id: str, scopes: list[str] | tuple[str, ...] | set[str]) -> dict[str, Any]:
    """The claims of ``user`` a client with ``scopes`` receives."""
    claims: dict[str, Any] = {"sub": subject(user, client_id)}
    if "profile" in scopes:
        claims.update(
            name=user.get_full_name() or user.username,
            given_name=user.first_name,
            family_name=user.last_name,
            preferred_username=user.username,
        )
    if "email" in scopes and user.email:
        claims["email"] = user.email
    if "establishment" in scopes:
        claims["establishments"] = _establishments(user)
    return claims
