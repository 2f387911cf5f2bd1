"""Who an establishment's administrators may manage, and what a territory admin reaches.

* People: those who manage people (``identity.manage_people``) see everyone holding a
  role, active or not, in the current establishment; anyone else is not found (404).
* Guardian links and role assignments: those of the current establishment only.
* Letters: those who print letters (``identity.print_letters``) reach the same people
  and guardian links, to print letters only.
* Account-wide actions (deactivate, reactivate, new activation code, letters) reach a
  person only if their account is the establishment's to manage: not the actor
  themself, not an operator or a territory admin, nobody who also holds a role in
  another territory's establishment, and an administrator (head, digital lead) only
  for those who adjust rights (``identity.manage_habilitations``). An activation code
  lets whoever holds it choose the account's password, so these limits stop a school
  from taking over accounts that other schools or the territory rely on.
* Territory admins reach the establishments of the territories they administer, and
  the people holding a role there; they end the sessions of, or reset the second factor
  of, the heads and digital leads of those establishments (not their own, nor an operator's).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.identity.habilitations import IdentityHabilitation
from romsie.identity.models import Guardianship, Role, RoleAssignment, StaffFunction, TerritoryAdmin, User
from romsie.identity.selectors import BY_NAME

ADMIN_FUNCTIONS = (StaffFunction.HEAD, StaffFunction.DIGITAL_LEAD)


def _holds(scope: Scope, habilitation: str) -> bool:
    return scope.establishment_id is not None and scope.has(habilitation)


def _members(scope: Scope, habilitation: str) -> QuerySet[User]:
    if not _holds(scope, habilitation):
        return User.objects.none()
    members = RoleAssignment.objects.filter(establishment_id=scope.establishment_id)
    return User.objects.filter(pk__in=members.values("user_id"))


def visible_people(scope: Scope) -> QuerySet[User]:
    """Return everyone holding a role in the current establishment, for those who manage people."""
    return _members(scope, IdentityHabilitation.MANAGE_PEOPLE)


def letter_people(scope: Scope) -> QuerySet[User]:
    """Return everyone holding a role in the current establishment, for those who print letters."""
    return _members(scope, IdentityHabilitation.PRINT_LETTERS)


def letter_guardianships(scope: Scope) -> QuerySet[Guardianship]:
    """Return the guardian links of the current establishment, for those who print letters."""
    if not _holds(scope, IdentityHabilitation.PRINT_LETTERS):
        return Guardianship.objects.none()
    return Guardianship.objects.filter(establishment_id=scope.establishment_id).select_related("guardian", "student")


def get_person(scope: Scope, user_id: int) -> User:
    """Return one person of the current establishment, or raise 404."""
    return first_or_404(visible_people(scope).filter(pk=user_id))


def visible_role_assignments(scope: Scope) -> QuerySet[RoleAssignment]:
    """Return the role assignments of the current establishment, for those who manage people."""
    if not _holds(scope, IdentityHabilitation.MANAGE_PEOPLE):
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.filter(establishment_id=scope.establishment_id).select_related("user")


def get_role_assignment(scope: Scope, pk: int) -> RoleAssignment:
    """Return one role assignment of the current establishment, for those who manage people, or 404."""
    return first_or_404(visible_role_assignments(scope).filter(pk=pk))


def visible_guardianships(scope: Scope) -> QuerySet[Guardianship]:
    """Return the guardian links of the current establishment, for those who manage people."""
    if not _holds(scope, IdentityHabilitation.MANAGE_PEOPLE):
        return Guardianship.objects.none()
    return Guardianship.objects.filter(establishment_id=scope.establishment_id).select_related("guardian", "student")


def get_guardianship(scope: Scope, pk: int) -> Guardianship:
    """Return one guardian link of the current establishment, for those who manage people, or 404."""
    return first_or_404(visible_guardianships(scope).filter(pk=pk))


def guardian_candidates(scope: Scope) -> QuerySet[User]:
    """Return the people of the establishment who may be chosen as a guardian (not students only)."""
    grown_ups = RoleAssignment.objects.filter(establishment_id=scope.establishment_id).exclude(role=Role.STUDENT)
    return visible_people(scope).filter(pk__in=grown_ups.values("user_id")).order_by(*BY_NAME)


def manageable_accounts(scope: Scope, people: QuerySet[User]) -> QuerySet[User]:
    """Keep, among ``people``, the accounts the current establishment may manage (see above)."""
    if scope.establishment is None:
        return people.none()
    territory_id = scope.establishment.territory_id
    elsewhere = RoleAssignment.objects.filter(is_active=True).exclude(establishment__territory_id=territory_id)
    people = people.exclude(pk=scope.user_id).exclude(Q(is_superuser=True) | Q(is_staff=True))
    people = people.exclude(pk__in=elsewhere.values("user_id"))
    people = people.exclude(pk__in=TerritoryAdmin.objects.values("user_id"))
    if not scope.has(IdentityHabilitation.MANAGE_HABILITATIONS):
        admins = RoleAssignment.objects.filter(role=Role.STAFF, function__in=ADMIN_FUNCTIONS, is_active=True)
        people = people.exclude(pk__in=admins.values("user_id"))
    return people


def can_manage_account(scope: Scope, person: User) -> bool:
    """Tell whether the establishment may deactivate, reactivate or issue codes for ``person``."""
    return manageable_accounts(scope, visible_people(scope).filter(pk=person.pk)).exists()


def territory_people(scope: Scope) -> QuerySet[User]:
    """Return the people holding a role in an establishment of the scope's territories."""
    members = RoleAssignment.objects.filter(establishment__territory_id__in=scope.territory_ids)
    return User.objects.filter(pk__in=members.values("user_id"), is_active=True)


def visible_establishment_admins(scope: Scope) -> QuerySet[RoleAssignment]:
    """Return the head and digital lead appointments in the scope's territories."""
    return RoleAssignment.objects.filter(
        establishment__territory_id__in=scope.territory_ids, role=Role.STAFF, function__in=ADMIN_FUNCTIONS
    ).select_related("user", "establishment")


def territory_can_manage_account(scope: Scope, person: User) -> bool:
    """Tell whether a territory admin may end the sessions or reset the second factor of an establishment admin.

    Not their own account, nor an operator's (the operators' console manages those).
    """
    return person.pk != scope.user_id and not (person.is_superuser or person.is_staff)


def get_establishment_admin(scope: Scope, pk: int) -> RoleAssignment:
    """Return one head or digital lead appointment in the scope's territories, or 404."""
    return first_or_404(visible_establishment_admins(scope).filter(pk=pk))
