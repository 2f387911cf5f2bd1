"""Audiences: "for these roles, narrowed to these levels and classes" — one idiom for every app.

An establishment's event, a bookmark pushed to families, an activity open to some levels: each
is *for* some roles (students, parents, teachers, staff) of its establishment, optionally
narrowed to some of its current levels and classes. The rules, in plain words:

* a row is only ever seen in its own establishment (another establishment's never matches);
* no role ticked means every role; no level nor class chosen means the whole establishment;
* levels and classes narrow the students (through their current class, this year only), the
  parents (through a child's current class) and the teachers (through the classes they teach);
* staff are establishment-wide: a row for staff reaches every staff member whatever the narrowing.

A feature model inherits :class:`Audience` (it must have an ``establishment`` foreign key), its
service calls :func:`audience_apply` after saving, its access module filters with
:func:`visible_q` / :func:`visible_ids`, its fan-out reads :func:`audience_people`, and its form
adds :func:`audience_fields`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.errors import ApplicationError
from romsie.core.forms import PickerChoice, PickerField
from romsie.core.ids import parse_id
from romsie.identity.models import Guardianship, Role, RoleAssignment
from romsie.identity.selectors import guardian_ids_receiving_mail

from .access import current_class_ids, visible_school_classes
from .models import Enrollment, Level, SchoolClass, Teaching

STUDENTS = "students"
PARENTS = "parents"
TEACHERS = "teachers"
STAFF = "staff"
ROLES = (STUDENTS, PARENTS, TEACHERS, STAFF)
ROLE_CHOICES = [
    (STUDENTS, _("Students")),
    (PARENTS, _("Parents")),
    (TEACHERS, _("Teachers")),
    (STAFF, _("Staff")),
]
_FLAGS = {STUDENTS: "for_students", PARENTS: "for_parents", TEACHERS: "for_teachers", STAFF: "for_staff"}
LEVEL_PREFIX = "level:"
CLASS_PREFIX = "class:"


class Audience(models.Model):
    """The people a row is for: roles of its establishment, narrowed to levels and classes.

    ``is_narrowed`` tells whether levels or classes were chosen (kept by :func:`audience_apply`),
    so "the whole establishment" is an index lookup rather than a "no row in the link tables".
    """

    for_students = models.BooleanField(_("for students"), default=False)
    for_parents = models.BooleanField(_("for parents"), default=False)
    for_teachers = models.BooleanField(_("for teachers"), default=False)
    for_staff = models.BooleanField(_("for staff"), default=False)
    is_narrowed = models.BooleanField(_("narrowed to levels or classes"), default=False, editable=False)
    levels = models.ManyToManyField(Level, blank=True, related_name="+", verbose_name=_("levels"))
    school_classes = models.ManyToManyField(SchoolClass, blank=True, related_name="+", verbose_name=_("classes"))

    class Meta:
        abstract = True

    @property
    def audience_roles(self) -> list[str]:
        """The roles ticked, in the order of ``ROLES``."""
        return [role for role in ROLES if getattr(self, _FLAGS[role])]


@dataclass(frozen=True)
class AudienceChoice:
    """What a form chose: roles (empty: every role), level ids and class ids (empty: everyone)."""

    roles: frozenset[str] = frozenset()
    level_ids: frozenset[int] = frozenset()
    class_ids: frozenset[int] = frozenset()

    @classmethod
    def of(
        cls, roles: Iterable[str] = (), *, levels: Iterable[int] = (), classes: Iterable[int] = ()
    ) -> AudienceChoice:
        return cls(frozenset(roles), frozenset(levels), frozenset(classes))

    @classmethod
    def from_tokens(cls, roles: Iterable[str], tokens: Iterable[str]) -> AudienceChoice:
        """Read the roles and the picker's ``level:<id>``/``class:<id>`` tokens."""
        levels: set[int] = set()
        classes: set[int] = set()
        for token in tokens:
            for prefix, into in ((LEVEL_PREFIX, levels), (CLASS_PREFIX, classes)):
                if token.startswith(prefix) and (pk := parse_id(token[len(prefix) :])) is not None:
                    into.add(pk)
        return cls(frozenset(roles), frozenset(levels), frozenset(classes))


def audience_apply(obj: Audience, choice: AudienceChoice, *, classes: QuerySet[SchoolClass] | None = None) -> None:
    """Give a saved row its audience (call it inside the feature's service transaction).

    ``classes`` are the classes the actor may choose (default: the establishment's current
    classes); levels must be levels of those classes. Anything else is refused, nothing changed.
    """
    establishment_id = obj.establishment_id  # type: ignore[attr-defined]
    allowed = (
        classes
        if classes is not None
        else SchoolClass.objects.filter(establishment_id=establishment_id, school_year__is_current=True)
    )
    allowed = allowed.filter(establishment_id=establishment_id)
    class_ids = set(allowed.filter(pk__in=choice.class_ids).values_list("pk", flat=True))
    level_ids = set(allowed.filter(level_id__in=choice.level_ids).values_list("level_id", flat=True))
    if class_ids != set(choice.class_ids) or level_ids != set(choice.level_ids):
        raise ApplicationError(
            gettext("Some of the classes or levels chosen cannot be chosen; remove them and try again.")
        )
    roles = choice.roles & set(ROLES) or set(ROLES)
    for role, flag in _FLAGS.items():
        setattr(obj, flag, role in roles)
    obj.is_narrowed = bool(class_ids or level_ids)
    obj.save(update_fields=[*_FLAGS.values(), "is_narrowed"])
    obj.levels.set(level_ids)
    obj.school_classes.set(class_ids)


def taught_class_ids(establishment_id: int | None, teacher_id: int | None) -> QuerySet[Teaching, Any]:
    """Return the classes a teacher teaches in the establishment, as a subquery of ids."""
    return Teaching.objects.filter(
        establishment_id=establishment_id, teacher_id=teacher_id, school_class__isnull=False
    ).values("school_class_id")


def visible_ids(model: type[Audience], scope: Scope) -> QuerySet[Any, Any]:
    """Return the ids of the rows of ``model`` whose audience includes the person, as a subquery.

    One ``UNION`` of index lookups, one per way the person may match (see "one idiom per job" in
    ``docs/architecture.md``): never an ``OR`` of subqueries, which PostgreSQL answers by scanning.
    """
    establishment_id = scope.establishment_id
    base = model._default_manager.filter(establishment_id=establishment_id)
    parts: list[QuerySet[Any, Any]] = []
    if scope.has_staff_profile:
        parts.append(base.filter(for_staff=True))

    def narrowed_to(flag: str, class_ids: QuerySet[Any, Any]) -> None:
        parts.append(base.filter(**{flag: True, "is_narrowed": False}))
        parts.append(base.filter(**{flag: True, "school_classes__in": class_ids}))
        levels = SchoolClass.objects.filter(pk__in=class_ids).values("level_id")
        parts.append(base.filter(**{flag: True, "levels__in": levels}))

    if scope.is_teacher:
        narrowed_to("for_teachers", taught_class_ids(establishment_id, scope.user_id))
    if scope.is_student:
        narrowed_to("for_students", current_class_ids(establishment_id, scope.user_id or 0))
    if scope.is_parent:
        children = Guardianship.objects.filter(establishment_id=establishment_id, guardian_id=scope.user_id)
        narrowed_to("for_parents", current_class_ids(establishment_id, children.values("student_id")))
    if not parts:
        return base.none().values("pk")
    first, *others = (part.values("pk").order_by() for part in parts)
    return first.union(*others) if others else first


def visible_q(model: type[Audience], scope: Scope) -> Q:
    """Return ``Q(pk__in=visible_ids(model, scope))``, to add to a gate's filter."""
    return Q(pk__in=visible_ids(model, scope))


def audience_people(obj: Audience) -> QuerySet[Any, Any]:
    """Return the ids of the people the audience stands for now, as a subquery (for fan-out).

    Guardians are those who receive school mail (``identity.selectors.guardian_ids_receiving_mail``,
    the rule of every fan-out to families); only active role holders count.
    """
    establishment_id = obj.establishment_id  # type: ignore[attr-defined]

    def holders(role: str) -> QuerySet[Any, Any]:
        return RoleAssignment.objects.filter(establishment_id=establishment_id, role=role, is_active=True).values(
            "user_id"
        )

    if obj.is_narrowed:
        current = SchoolClass.objects.filter(establishment_id=establishment_id, school_year__is_current=True)
        by_class = current.filter(pk__in=obj.school_classes.values("pk")).values("pk").order_by()
        by_level = current.filter(level_id__in=obj.levels.values("pk")).values("pk").order_by()
        classes = by_class.union(by_level)
        students = Enrollment.objects.filter(establishment_id=establishment_id, school_class_id__in=classes).values(
            "student_id"
        )
        teachers = Teaching.objects.filter(establishment_id=establishment_id, school_class_id__in=classes).values(
            "teacher_id"
        )
    else:
        students, teachers = holders(Role.STUDENT), holders(Role.TEACHER)
    parts: list[QuerySet[Any, Any]] = []
    if obj.for_students:
        parts.append(students)
    if obj.for_parents:
        parts.append(guardian_ids_receiving_mail(establishment_id=establishment_id, students=students))
    if obj.for_teachers:
        parts.append(teachers)
    if obj.for_staff:
        parts.append(holders(Role.STAFF))
    if not parts:
        return RoleAssignment.objects.none().values("user_id")
    first, *others = (part.order_by() for part in parts)
    return first.union(*others) if others else first


def audience_fields(
    scope: Scope, *, classes: QuerySet[SchoolClass] | None = None, with_levels: bool = True
) -> dict[str, forms.Field]:
    """Return the form fields choosing an audience: ``audience_roles`` and ``audience_groups``.

    The groups are a :class:`~romsie.core.forms.PickerField` of the establishment's current
    levels and classes (or of ``classes``, e.g. a teacher's own classes); add the fields to a
    form's ``fields`` and read them back with :func:`audience_choice`.
    """
    chosen = (
        (classes if classes is not None else visible_school_classes(scope))
        .filter(establishment_id=scope.establishment_id)
        .select_related("level")
    )
    rows = list(chosen.order_by("level__order", "name"))
    groups: list[PickerChoice] = []
    if with_levels:
        levels = {c.level_id: c.level for c in rows}
        groups += [PickerChoice(f"{LEVEL_PREFIX}{pk}", str(level), str(_("Levels"))) for pk, level in levels.items()]
    groups += [PickerChoice(f"{CLASS_PREFIX}{c.pk}", str(c), str(_("Classes"))) for c in rows]
    return {
        "audience_roles": forms.MultipleChoiceField(
            label=_("For"),
            choices=ROLE_CHOICES,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Nobody ticked: everyone."),
        ),
        "audience_groups": PickerField(
            label=_("Only these levels and classes"),
            groups=groups,
            required=False,
            help_text=_("Nothing chosen: the whole establishment."),
            error_messages={"forbidden_groups": _("Some of the classes or levels chosen cannot be chosen.")},
        ),
    }


def audience_choice(cleaned_data: dict[str, Any]) -> AudienceChoice:
    """Read what :func:`audience_fields` chose from a form's ``cleaned_data``."""
    return AudienceChoice.from_tokens(
        cleaned_data.get("audience_roles") or (), cleaned_data.get("audience_groups") or ()
    )


def audience_initial(obj: Audience) -> dict[str, Any]:
    """Return the initial values of :func:`audience_fields` for an existing row."""
    tokens = [f"{LEVEL_PREFIX}{pk}" for pk in obj.levels.values_list("pk", flat=True)]
    tokens += [f"{CLASS_PREFIX}{pk}" for pk in obj.school_classes.values_list("pk", flat=True)]
    return {"audience_roles": obj.audience_roles, "audience_groups": tokens}
