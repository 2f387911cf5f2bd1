"""Reads of the administration pages, always starting from an access gate.

Lists prefetch what their rows show, so their number of queries does not grow with the
number of rows (the tests pin it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from romsie.core.access.lookup import first_or_404
from romsie.core.access.profiles import STAFF_PREFIX, Profile
from romsie.core.access.scope import Scope
from romsie.core.text import fold
from romsie.establishments import access as establishments_access
from romsie.establishments.models import Establishment
from romsie.identity.letters import Recipient
from romsie.identity.models import Guardianship, Role, RoleAssignment, StaffFunction, User
from romsie.identity.selectors import BY_NAME
from romsie.schooling import access as schooling_access
from romsie.schooling.models import Enrollment, Period, Room, SchoolClass, SchoolYear, Subject, Teaching, TeachingGroup

from . import access

ROLE_FILTERS = {
    "student": (Role.STUDENT, _("Students")),
    "parent": (Role.PARENT, _("Parents")),
    "teacher": (Role.TEACHER, _("Teachers")),
    "staff": (Role.STAFF, _("Staff")),
    "partner": (Role.PARTNER, _("Partners")),
}


def profile_choices() -> list[tuple[str, str]]:
    """Return every habilitation profile with its label, in the order pages show them."""
    profiles = [
        (str(Profile.STUDENT), str(Role.STUDENT.label)),
        (str(Profile.PARENT), str(Role.PARENT.label)),
        (str(Profile.TEACHER), str(Role.TEACHER.label)),
        (str(Profile.PARTNER), str(Role.PARTNER.label)),
    ]
    profiles += [(f"{STAFF_PREFIX}{f.value}", f"{Role.STAFF.label} — {f.label}") for f in StaffFunction]
    return profiles


# People


def _with_local_details(scope: Scope, people: QuerySet[User]) -> QuerySet[User]:
    """Prefetch each person's roles and current classes in the current establishment."""
    return people.prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.filter(establishment_id=scope.establishment_id).order_by(
                "role", "function"
            ),
            to_attr="local_roles",
        ),
        Prefetch(
            "enrollments",
            queryset=schooling_access.visible_enrollments(scope).select_related("school_class"),
            to_attr="local_enrollments",
        ),
    ).order_by(*BY_NAME)


def person_list_for_admin(scope: Scope, *, query: str = "", role: str = "") -> QuerySet[User]:
    """Return the establishment's people matching every word of ``query`` and the role filter."""
    people = access.visible_people(scope)
    for word in fold(query).split():
        people = people.filter(Q(search_name__contains=word) | Q(username__icontains=word))
    if role in ROLE_FILTERS:
        holders = RoleAssignment.objects.filter(establishment_id=scope.establishment_id, role=ROLE_FILTERS[role][0])
        people = people.filter(pk__in=holders.values("user_id"))
    return _with_local_details(scope, people)


@dataclass
class PersonPage:
    """What the person page shows: roles here, classes, guardian links and account state."""

    person: User
    roles: list[RoleAssignment]
    classes: list[SchoolClass]
    guardians: list[Guardianship]
    children: list[Guardianship]
    can_manage_account: bool

    @property
    def is_student(self) -> bool:
        return any(r.role == Role.STUDENT for r in self.roles)


def person_page(scope: Scope, user_id: int) -> PersonPage:
    """Return one person of the establishment with their links, or raise 404."""
    person = first_or_404(_with_local_details(scope, access.visible_people(scope)).filter(pk=user_id))
    links = access.visible_guardianships(scope)
    return PersonPage(
        person=person,
        roles=person.local_roles,  # type: ignore[attr-defined]
        classes=[e.school_class for e in person.local_enrollments],  # type: ignore[attr-defined]
        guardians=list(links.filter(student=person).order_by("rank", "guardian__search_name")),
        children=list(links.filter(guardian=person).order_by("student__search_name")),
        can_manage_account=access.can_manage_account(scope, person),
    )


def guardian_links_of(scope: Scope, student: User) -> QuerySet[Guardianship]:
    return access.visible_guardianships(scope).filter(student=student)


# Structure


def school_class_list(scope: Scope) -> QuerySet[SchoolClass]:
    return (
        schooling_access.visible_school_classes(scope)
        .annotate(student_count=Count("enrollments"))
        .order_by("level__order", "name", "pk")
    )


def teaching_group_list(scope: Scope) -> QuerySet[TeachingGroup]:
    return (
        schooling_access.visible_teaching_groups(scope)
        .annotate(student_count=Count("memberships", distinct=True), class_count=Count("school_classes", distinct=True))
        .order_by("name", "pk")
    )


def subject_list(scope: Scope) -> QuerySet[Subject]:
    return schooling_access.visible_subjects(scope).annotate(teaching_count=Count("teachings")).order_by("name", "pk")


def room_list(scope: Scope) -> QuerySet[Room]:
    return schooling_access.visible_rooms(scope)


def teaching_list(scope: Scope) -> QuerySet[Teaching]:
    return schooling_access.visible_teachings(scope).order_by("subject__name", "teacher__search_name", "pk")


def school_year_list(scope: Scope) -> QuerySet[SchoolYear]:
    return schooling_access.visible_school_years(scope)


def period_list(scope: Scope) -> QuerySet[Period]:
    return schooling_access.visible_periods(scope).order_by("-school_year__starts_on", "starts_on")


# Activation letters and follow-up


@dataclass(frozen=True)
class LetterRecipient:
    """A person to print a letter for and, for a family letter, the children named on it."""

    person: User
    recipient: str
    children: tuple[str, ...] = ()


@dataclass
class Audience:
    """Who a batch of letters is for: a class (with or without families) or the staff."""

    label: str
    slug: str
    recipients: list[LetterRecipient] = field(default_factory=list)


def _students_of(school_class: SchoolClass) -> QuerySet[User]:
    return User.objects.filter(enrollments__school_class=school_class, is_active=True).order_by(*BY_NAME)


def class_letter_recipients(
    scope: Scope,
    school_class: SchoolClass,
    *,
    only_not_activated: bool,
    include_students: bool = True,
    include_guardians: bool = True,
) -> list[LetterRecipient]:
    """Return a class's students and, after each, their guardians not printed yet (four queries).

    A guardian in charge of several students of the class gets one letter naming all
    their children in the establishment.
    """
    students = list(_students_of(school_class))
    waiting = _manageable(scope, [s.pk for s in students], only_not_activated) if include_students else set()
    guardians_by_student: dict[int, list[Guardianship]] = {}
    children_of: dict[int, list[str]] = {}
    allowed_guardians: set[int] = set()
    if include_guardians and students:
        links = list(
            access.letter_guardianships(scope)
            .filter(student__in=students, guardian__is_active=True)
            .order_by("rank", "guardian__search_name", "pk")
        )
        for link in links:
            guardians_by_student.setdefault(link.student_id, []).append(link)
        guardian_ids = {link.guardian_id for link in links}
        allowed_guardians = _manageable(scope, list(guardian_ids), only_not_activated)
        all_children = access.letter_guardianships(scope).filter(guardian_id__in=allowed_guardians)
        for link in all_children.order_by("student__search_name"):
            children_of.setdefault(link.guardian_id, []).append(link.student.get_full_name())
    recipients: list[LetterRecipient] = []
    printed: set[int] = set()
    for student in students:
        if student.pk in waiting:
            recipients.append(LetterRecipient(student, Recipient.STUDENT))
        for link in guardians_by_student.get(student.pk, []):
            if link.guardian_id in allowed_guardians and link.guardian_id not in printed:
                printed.add(link.guardian_id)
                recipients.append(
                    LetterRecipient(link.guardian, Recipient.GUARDIAN, tuple(children_of.get(link.guardian_id, ())))
                )
    return recipients


def _manageable(scope: Scope, ids: list[int], only_not_activated: bool) -> set[int]:
    people = access.manageable_accounts(scope, access.letter_people(scope).filter(pk__in=ids, is_active=True))
    if only_not_activated:
        people = people.filter(activated_at__isnull=True)
    return set(people.values_list("pk", flat=True))


def staff_letter_recipients(scope: Scope, *, only_not_activated: bool) -> list[LetterRecipient]:
    """Return the teachers and staff of the establishment whose account it manages."""
    holders = RoleAssignment.objects.filter(
        establishment_id=scope.establishment_id, role__in=[Role.TEACHER, Role.STAFF], is_active=True
    )
    people = access.manageable_accounts(
        scope, access.letter_people(scope).filter(pk__in=holders.values("user_id"), is_active=True)
    )
    if only_not_activated:
        people = people.filter(activated_at__isnull=True)
    return [LetterRecipient(p, Recipient.STAFF) for p in people.order_by(*BY_NAME)]


def activation_followup(scope: Scope) -> QuerySet[SchoolClass]:
    """Return the classes with, for each, how many students and guardians have not activated yet."""
    student = "enrollments__student"
    guardian_link = f"{student}__guardian_links"
    return (
        schooling_access.visible_school_classes(scope)
        .annotate(
            student_count=Count(student, filter=Q(**{f"{student}__is_active": True}), distinct=True),
            students_waiting=Count(
                student,
                filter=Q(**{f"{student}__is_active": True, f"{student}__activated_at__isnull": True}),
                distinct=True,
            ),
            guardians_waiting=Count(
                f"{guardian_link}__guardian",
                filter=Q(
                    **{
                        f"{guardian_link}__establishment_id": scope.establishment_id,
                        f"{guardian_link}__guardian__is_active": True,
                        f"{guardian_link}__guardian__activated_at__isnull": True,
                    }
                ),
                distinct=True,
            ),
        )
        .order_by("level__order", "name")
    )


@dataclass
class ClassFollowup:
    school_class: SchoolClass
    students: list[User]
    guardians: list[LetterRecipient]


def class_followup(scope: Scope, class_id: int) -> ClassFollowup:
    """Return who, in a class, has not activated their account yet, or raise 404."""
    school_class = first_or_404(schooling_access.visible_school_classes(scope).filter(pk=class_id))
    students = list(_students_of(school_class).filter(activated_at__isnull=True))
    links = (
        access.letter_guardianships(scope)
        .filter(student__enrollments__school_class=school_class, guardian__is_active=True)
        .filter(guardian__activated_at__isnull=True)
        .order_by("guardian__search_name", "student__search_name")
    )
    guardians: dict[int, LetterRecipient] = {}
    for link in links:
        known = guardians.get(link.guardian_id)
        children = (*known.children, link.student.get_full_name()) if known else (link.student.get_full_name(),)
        guardians[link.guardian_id] = LetterRecipient(link.guardian, Recipient.GUARDIAN, children)
    return ClassFollowup(school_class, students, list(guardians.values()))


# Territory


def establishment_list_for_territory(scope: Scope) -> QuerySet[Establishment]:
    """Return the territory admin's establishments with the number of people holding a role."""
    return (
        establishments_access.visible_establishments(scope)
        .annotate(
            people_count=Count("role_assignments__user", filter=Q(role_assignments__is_active=True), distinct=True)
        )
        .order_by("territory__name", "name")
    )


@dataclass
class EstablishmentPage:
    establishment: Establishment
    admins: list[RoleAssignment]


def establishment_page(scope: Scope, establishment_id: int) -> EstablishmentPage:
    """Return an establishment of the scope's territories with its administrators, or raise 404."""
    establishment = first_or_404(establishment_list_for_territory(scope).filter(pk=establishment_id))
    admins = list(
        access.visible_establishment_admins(scope)
        .filter(establishment=establishment)
        .order_by("function", "user__search_name")
    )
    return EstablishmentPage(establishment, admins)


def person_letter_recipient(scope: Scope, page: PersonPage) -> LetterRecipient:
    """Return the kind of letter one person receives: student, family (naming children) or staff."""
    if page.is_student:
        return LetterRecipient(page.person, Recipient.STUDENT)
    if page.children and not any(r.role in (Role.TEACHER, Role.STAFF, Role.PARTNER) for r in page.roles):
        return LetterRecipient(
            page.person, Recipient.GUARDIAN, tuple(link.student.get_full_name() for link in page.children)
        )
    return LetterRecipient(page.person, Recipient.STAFF)


@dataclass(frozen=True)
class ClassDeletionFacts:
    students: int
    teachings: int


def school_class_deletion_facts(school_class: SchoolClass) -> ClassDeletionFacts:
    """Return what deleting a class would take with it."""
    return ClassDeletionFacts(
        students=Enrollment.objects.filter(school_class=school_class).count(),
        teachings=Teaching.objects.filter(school_class=school_class).count(),
    )
