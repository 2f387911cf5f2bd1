"""Who may write to whom, and who sees which message.

Rules, in plain words:

* Kinds of recipients come from the habilitation catalogue (``messaging.write_to_*``), so an
  establishment adjusts them within its territory's limits on the "habilitations" page.
* Relations are enforced here on top of them, whatever the catalogue says:
  - a student or a parent (without a staff or teacher role) reaches only *their own* teachers:
    those who teach one of their (children's) classes or groups, and the classes' homeroom
    teachers;
  - in a primary school a student writes only to their teachers, never to the staff;
  - students and parents never reach other families (``write_to_students`` and
    ``write_to_parents`` are never granted to them);
  - staff and teachers reach anyone of the establishment their habilitations allow.
* Whoever received a message may answer its sender.
* Groups (a class, its guardians, its teachers, a teaching group, all staff) need
  ``write_to_groups`` *and* the habilitation of the people they contain; a mailing list needs
  ``manage_lists``, or membership of a list whose members may write to it. The guardians of a
  class are those who receive school mail (``Guardianship.receives_mail``); the others are
  still reached in person.
* A person's own groups of contacts (address book) are offered as "my groups"; choosing one
  reaches only its members whom the rules above let the person write to individually; the
  others are left out, and the person is told how many.
* A person sees a message only through their own mailbox entry (``Delivery``) in the current
  establishment: someone else's message, or one of another establishment, is a 404.
* Attachments are served to whoever has the message in their mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from romsie.contacts import access as contacts_access
from romsie.contacts import selectors as contacts_selectors
from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.core.ids import parse_id
from romsie.establishments.models import Establishment
from romsie.identity.models import Role, RoleAssignment, User
from romsie.identity.selectors import guardian_ids_receiving_mail
from romsie.schooling.access import current_class_ids, current_group_ids
from romsie.schooling.models import Enrollment, GroupMembership, SchoolClass, Teaching, TeachingGroup

from .habilitations import MessagingHabilitation as H
from .models import Attachment, Delivery, MailingList, Message

PRIMARY_KINDS = {str(kind) for kind in Establishment.PRIMARY_KINDS}


def is_primary(scope: Scope) -> bool:
    """Tell whether the current establishment is a primary school (nursery, elementary, primary)."""
    return scope.establishment is not None and scope.establishment.kind in PRIMARY_KINDS


def is_family_only(scope: Scope) -> bool:
    """Tell whether the person writes as a student or parent only (no staff or teacher role)."""
    return not (scope.is_teacher or scope.has_staff_profile)


def members(establishment_id: int | None, roles: list[str] | None = None) -> QuerySet[RoleAssignment]:
    """Return the active role assignments of an establishment (of some roles)."""
    qs = RoleAssignment.objects.filter(establishment_id=establishment_id, is_active=True)
    return qs.filter(role__in=roles) if roles else qs


def _family_students(scope: Scope) -> list[int]:
    """Return the student ids whose teachers the person may reach: oneself, or one's children."""
    ids: list[int] = []
    if scope.is_student and scope.user_id is not None:
        ids.append(scope.user_id)
    if scope.is_parent:
        ids += [child.id for child in scope.children]
    return ids


def own_teacher_ids(scope: Scope) -> QuerySet[Any, Any]:
    """Return the ids of the teachers of the person's (or their children's) classes and groups.

    A ``UNION`` of index lookups (teachings by class, by group, of groups drawn from the
    classes; homeroom teachers), as a subquery: an ``OR`` of subqueries makes PostgreSQL read
    every teaching and every account of the territory.
    """
    students = _family_students(scope)
    est = scope.establishment_id
    classes = current_class_ids(est, students)
    teachings = Teaching.objects.filter(establishment_id=est)
    by_class = teachings.filter(school_class_id__in=classes).values("teacher_id").order_by()
    by_group = teachings.filter(teaching_group_id__in=current_group_ids(est, students)).values("teacher_id").order_by()
    drawn = teachings.filter(teaching_group__school_classes__in=classes).values("teacher_id").order_by()
    homeroom = SchoolClass.objects.filter(pk__in=classes, homeroom_teacher__isnull=False)
    return by_class.union(by_group, drawn, homeroom.values("homeroom_teacher_id").order_by())


def writable_people(scope: Scope, *, reply_to_sender_id: int | None = None) -> QuerySet[User]:
    """Return the people the scope may write to individually (never oneself)."""
    if scope.establishment_id is None or not scope.has(H.USE):
        return User.objects.none()
    est = scope.establishment_id
    family = is_family_only(scope)
    roles: list[str] = []
    if scope.has(H.WRITE_TO_STUDENTS) and not family:
        roles.append(Role.STUDENT)
    if scope.has(H.WRITE_TO_PARENTS) and not family:
        roles.append(Role.PARENT)
    if scope.has(H.WRITE_TO_TEACHERS) and not family:
        roles.append(Role.TEACHER)
    if scope.has(H.WRITE_TO_STAFF) and not (family and is_primary(scope) and not scope.is_parent):
        roles.append(Role.STAFF)
    # One set of ids, a UNION of index lookups, then the people by primary key (see own_teacher_ids).
    parts = [members(est, roles).values("user_id").order_by()] if roles else []
    if scope.has(H.WRITE_TO_TEACHERS) and family:
        teachers = members(est, [Role.TEACHER]).filter(user_id__in=own_teacher_ids(scope))
        parts.append(teachers.values("user_id").order_by())
    if reply_to_sender_id is not None:
        parts.append(members(est).filter(user_id=reply_to_sender_id).values("user_id").order_by())
    if not parts:
        return User.objects.none()
    allowed = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    return User.objects.filter(pk__in=allowed, is_active=True).exclude(pk=scope.user_id)


def group_label(kind: str, name: str) -> str:
    """Return how a recipient reads in the active language (``class-guardians``, "6e A")."""
    formats = {
        "class": _("Students of %(name)s"),
        "class-guardians": _("Guardians of %(name)s"),
        "class-teachers": _("Teachers of %(name)s"),
        "group": _("Group %(name)s"),
        "list": _("List %(name)s"),
        "contacts": _("Address book group %(name)s"),
    }
    if kind == "staff":
        return _("All staff and teachers")
    return formats[kind] % {"name": name} if kind in formats else name


@dataclass(frozen=True)
class GroupChoice:
    """A group one may write to: its token (``class-guardians:3``), its kind, name and section."""

    token: str
    name: str
    section: str

    @property
    def kind(self) -> str:
        return self.token.partition(":")[0]

    @property
    def label(self) -> str:
        return group_label(self.kind, self.name)


def writable_groups(scope: Scope) -> list[GroupChoice]:
    """Return every group the scope may write to (three queries at most)."""
    if scope.establishment_id is None or not scope.has(H.USE):
        return []
    choices: list[GroupChoice] = []
    if scope.has(H.WRITE_TO_GROUPS):
        classes = list(
            SchoolClass.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)
            .order_by("level__order", "name")
            .values_list("pk", "name")
        )
        if scope.has(H.WRITE_TO_STUDENTS):
            section = _("Students of a class")
            choices += [GroupChoice(f"class:{pk}", n, section) for pk, n in classes]
        if scope.has(H.WRITE_TO_PARENTS):
            section = _("Guardians of a class")
            choices += [GroupChoice(f"class-guardians:{pk}", n, section) for pk, n in classes]
        if scope.has(H.WRITE_TO_TEACHERS):
            section = _("Teachers of a class")
            choices += [GroupChoice(f"class-teachers:{pk}", n, section) for pk, n in classes]
        if scope.has(H.WRITE_TO_STUDENTS):
            groups = TeachingGroup.objects.filter(
                establishment_id=scope.establishment_id, school_year__is_current=True
            ).values_list("pk", "name")
            section = _("Teaching groups")
            choices += [GroupChoice(f"group:{pk}", n, section) for pk, n in groups]
        if scope.has(H.WRITE_TO_STAFF) and scope.has(H.WRITE_TO_TEACHERS):
            choices.append(GroupChoice("staff:all", "", _("Staff")))
    lists = MailingList.objects.filter(establishment_id=scope.establishment_id)
    if not scope.has(H.MANAGE_LISTS):
        lists = lists.filter(members_may_post=True, memberships__user_id=scope.user_id)
    section = _("Mailing lists")
    choices += [GroupChoice(f"list:{pk}", n, section) for pk, n in lists.order_by("name").values_list("pk", "name")]
    section = _("My groups")
    choices += [GroupChoice(f"contacts:{g.pk}", g.name, section) for g in contacts_selectors.groups_with_people(scope)]
    return choices


def contact_group_people(scope: Scope, token: str) -> QuerySet[User]:
    """Return the members of one of the person's groups of contacts that the person may write to."""
    kind, _sep, raw = token.partition(":")
    group_id = parse_id(raw) if kind == "contacts" else None
    if group_id is None:
        return User.objects.none()
    return writable_people(scope).filter(pk__in=contacts_access.group_person_ids(scope, group_id))


def contact_groups_left_out(scope: Scope, tokens: list[str]) -> int:
    """Return how many ENT members of the chosen groups of contacts the person may not write to."""
    group_ids = [pk for t in tokens if t.startswith("contacts:") and (pk := parse_id(t[9:])) is not None]
    if not group_ids:
        return 0
    members = set()
    for group_id in group_ids:
        members |= set(contacts_access.group_person_ids(scope, group_id).values_list("person_id", flat=True))
    allowed = set(writable_people(scope).filter(pk__in=members).values_list("pk", flat=True))
    return len(members - allowed - {scope.user_id})


def group_members(establishment_id: int, token: str) -> QuerySet[User]:
    """Return the people a group token stands for, resolved now (a subquery, no rows loaded)."""
    kind, _sep, raw = token.partition(":")
    pk = int(raw) if raw.isdigit() else 0
    est = establishment_id
    ids: QuerySet[Any, Any]
    if kind == "class":
        ids = Enrollment.objects.filter(establishment_id=est, school_class_id=pk).values("student_id")
    elif kind == "class-guardians":
        students = Enrollment.objects.filter(establishment_id=est, school_class_id=pk).values("student_id")
        # A class-wide mailing reaches only the guardians who receive school mail.
        ids = guardian_ids_receiving_mail(establishment_id=est, students=students)
    elif kind == "class-teachers":
        teaching = Teaching.objects.filter(establishment_id=est).filter(
            Q(school_class_id=pk) | Q(teaching_group__school_classes=pk)
        )
        homeroom = SchoolClass.objects.filter(establishment_id=est, pk=pk).values("homeroom_teacher_id")
        return User.objects.filter(Q(pk__in=teaching.values("teacher_id")) | Q(pk__in=homeroom))
    elif kind == "group":
        ids = GroupMembership.objects.filter(establishment_id=est, teaching_group_id=pk).values("student_id")
    elif kind == "staff" and raw == "all":
        ids = members(est, [Role.STAFF, Role.TEACHER]).values("user_id")
    elif kind == "list":
        from .models import ListMembership

        ids = ListMembership.objects.filter(establishment_id=est, mailing_list_id=pk).values("user_id")
    else:
        return User.objects.none()
    return User.objects.filter(pk__in=ids)


def visible_deliveries(scope: Scope) -> QuerySet[Delivery]:
    """Return the person's own mailbox entries in the current establishment."""
    if scope.establishment_id is None or scope.user_id is None or not scope.has(H.USE):
        return Delivery.objects.none()
    return Delivery.objects.filter(recipient_id=scope.user_id, establishment_id=scope.establishment_id)


def get_delivery(scope: Scope, message_id: int) -> Delivery:
    """Return the person's entry for a message, or raise 404."""
    return first_or_404(
        visible_deliveries(scope).select_related("message", "message__sender").filter(message_id=message_id)
    )


def get_attachment(scope: Scope, attachment_id: int) -> Attachment:
    """Return an attachment of a message in the person's mailbox, or raise 404."""
    mine = visible_deliveries(scope).values("message_id")
    return first_or_404(
        Attachment.objects.filter(pk=attachment_id, establishment_id=scope.establishment_id, message_id__in=mine)
    )


def visible_lists(scope: Scope) -> QuerySet[MailingList]:
    """Return the lists the person sees: all for list managers, else open ones and their own."""
    if scope.establishment_id is None or not scope.has(H.USE):
        return MailingList.objects.none()
    lists = MailingList.objects.filter(establishment_id=scope.establishment_id)
    if scope.has(H.MANAGE_LISTS):
        return lists
    return lists.filter(Q(is_open=True) | Q(memberships__user_id=scope.user_id)).distinct()


def get_list(scope: Scope, list_id: int) -> MailingList:
    """Return one visible list, or raise 404."""
    return first_or_404(visible_lists(scope).filter(pk=list_id))


def can_manage_list(scope: Scope, mailing_list: MailingList) -> bool:
    """Tell whether the person may change a list and see its members."""
    return scope.has(H.MANAGE_LISTS) and mailing_list.establishment_id == scope.establishment_id


def audited_messages(scope: Scope) -> QuerySet[Message]:
    """Return the sent messages of the establishment, for those who hold the audit right."""
    if scope.establishment_id is None or not scope.has(H.AUDIT):
        return Message.objects.none()
    return Message.objects.filter(establishment_id=scope.establishment_id, is_draft=False)


def get_audited_message(scope: Scope, message_id: int) -> Message:
    """Return one sent message of the establishment for the audit, or raise 404."""
    return first_or_404(audited_messages(scope).select_related("sender").filter(pk=message_id))
