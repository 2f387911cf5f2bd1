"""Who sees and who changes which documents: the one gate of the documents service.

* Nobody without ``documents.use`` in their current establishment sees any document.
* **Personal space**: its owner manages it (one per person, whatever their establishments).
  Nobody else sees it, unless a node of it is shared with them.
* **Class space** (of the current establishment): the students of the class (current year) read;
  the teachers teaching the class (directly or through a group of the class) contribute; the
  homeroom teacher and the head manage; the guardians of a student of the class read when the
  establishment switched ``guardians_see_class_spaces`` on.
* **Team space** (of the current establishment): staff and teachers contribute; the head and the
  digital lead manage.
* **Group space** (of the current establishment; a community's shared folder): the app that holds
  the group says who contributes and who manages (``documents.groups``): for a community, its
  members contribute and its owners and managers manage. Nobody else sees it, not even the head.
* **Shares**: a node shared with the person, or under a folder shared with them, is visible with
  the share's right: directly (``user``), through a current class (students: ``class_students``,
  ``class_all``; guardians of a student of the class: ``class_guardians``, ``class_all``), a
  current teaching group (its students), or ``staff`` (staff and teachers). A share counts only
  when its establishment is the person's current one: switching establishment changes what one sees.
* The right is the strongest that applies (``read`` < ``contribute`` < ``manage``). A received
  hand-out (``is_read_only``), or anything under one, is read only whatever the right.
* Anything else, including another establishment's space, is a 404: absent and forbidden look the
  same. A write beyond one's right is refused with an ``ApplicationError`` (:func:`require`).
* Nodes in the trash are reached only through the trash (``trashed=True``), by whoever manages them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _

from romsie.core.access.lookup import first_or_404, found_or_404
from romsie.core.access.profiles import Profile
from romsie.core.access.scope import Scope
from romsie.core.errors import ApplicationError
from romsie.identity.models import Guardianship, Role, RoleAssignment, User
from romsie.schooling.access import current_class_ids, current_group_ids
from romsie.schooling.models import Enrollment, GroupMembership, SchoolClass, Teaching, TeachingGroup

from . import groups
from .habilitations import DocumentsHabilitation
from .models import Collection, EstablishmentDocumentSettings, Node, Right, Share, Space


@dataclass(frozen=True)
class Ancestor:
    """A folder above a node, as breadcrumbs and rights need it."""

    pk: int
    name: str
    parent_id: int | None
    trashed_at: datetime.datetime | None
    is_read_only: bool


@dataclass(frozen=True)
class NodeAccess:
    """A node with the person's right on it and its ancestors (root first)."""

    node: Node
    right: Right
    ancestors: tuple[Ancestor, ...] = field(default=())

    def allows(self, right: Right) -> bool:
        return self.right >= right

    @property
    def space(self) -> Space:
        return self.node.space


def may_use(scope: Scope) -> bool:
    """Whether the person may use the documents service at all, here."""
    return scope.user_id is not None and scope.has(DocumentsHabilitation.USE)


def _is_head(scope: Scope) -> bool:
    return Profile.STAFF_HEAD in scope.profiles


def _is_staff_or_teacher(scope: Scope) -> bool:
    return scope.has_staff_profile or scope.is_teacher


def _child_ids(scope: Scope) -> list[int]:
    return [child.id for child in scope.children] if scope.is_parent else []


def guardians_see_class_spaces(establishment_id: int | None) -> bool:
    """The establishment's switch: may guardians read their children's class spaces?"""
    if establishment_id is None:
        return False
    return EstablishmentDocumentSettings.objects.filter(
        establishment_id=establishment_id, guardians_see_class_spaces=True
    ).exists()


def taught_class_ids(scope: Scope) -> QuerySet[Any, Any]:
    """The current classes the teacher teaches, directly or through a group of the class (a subquery)."""
    direct = Teaching.objects.filter(
        establishment_id=scope.establishment_id, teacher_id=scope.user_id, school_class__school_year__is_current=True
    ).values("school_class_id")
    through_groups = SchoolClass.objects.filter(
        establishment_id=scope.establishment_id,
        school_year__is_current=True,
        teaching_groups__teachings__teacher_id=scope.user_id,
    ).values("pk")
    return direct.order_by().union(through_groups.order_by())


def space_right(scope: Scope, space: Space) -> Right | None:
    """The person's right on a whole space, or None (a few queries for a class space)."""
    if not may_use(scope):
        return None
    if space.kind == Space.Kind.PERSONAL:
        return Right.MANAGE if space.owner_id == scope.user_id else None
    if space.establishment_id != scope.establishment_id:
        return None
    if space.kind == Space.Kind.GROUP:
        return group_right(scope, space)
    if space.kind == Space.Kind.TEAM:
        if _is_head(scope) or Profile.STAFF_DIGITAL_LEAD in scope.profiles:
            return Right.MANAGE
        return Right.CONTRIBUTE if _is_staff_or_teacher(scope) else None
    class_id = space.school_class_id
    if _is_head(scope):
        return Right.MANAGE
    current = SchoolClass.objects.filter(pk=class_id, school_year__is_current=True)
    if scope.is_teacher:
        if current.filter(homeroom_teacher_id=scope.user_id).exists():
            return Right.MANAGE
        if SchoolClass.objects.filter(pk=class_id, pk__in=taught_class_ids(scope)).exists():
            return Right.CONTRIBUTE
    if (
        scope.is_student
        and current_class_ids(scope.establishment_id, scope.user_id or 0).filter(school_class_id=class_id).exists()
    ):
        return Right.READ
    children = _child_ids(scope)
    if (
        children
        and guardians_see_class_spaces(scope.establishment_id)
        and current_class_ids(scope.establishment_id, children).filter(school_class_id=class_id).exists()
    ):
        return Right.READ
    return None


def group_right(scope: Scope, space: Space) -> Right | None:
    """The person's right on a group's space, as the app holding the group says (two queries at most)."""
    kind = groups.group_kind(space.group_kind)
    if kind is None or space.group_id is None:
        return None
    mine = Space.objects.filter(pk=space.pk)
    if mine.filter(group_id__in=kind.manages(scope)).exists():
        return Right.MANAGE
    if mine.filter(group_id__in=kind.contributes(scope)).exists():
        return Right.CONTRIBUTE
    return None


def visible_spaces(scope: Scope) -> QuerySet[Space]:
    """The spaces the person may open as a whole (not those they only reach through a share)."""
    if not may_use(scope):
        return Space.objects.none()
    ids = Space.objects.filter(kind=Space.Kind.PERSONAL, owner_id=scope.user_id).values("pk").order_by()
    here = Space.objects.filter(establishment_id=scope.establishment_id)
    for kind in groups.group_kinds():
        ids = ids.union(
            here.filter(kind=Space.Kind.GROUP, group_kind=kind.key, group_id__in=kind.contributes(scope))
            .values("pk")
            .order_by()
        )
    if _is_staff_or_teacher(scope):
        ids = ids.union(here.filter(kind=Space.Kind.TEAM).values("pk").order_by())
    classes = here.filter(kind=Space.Kind.CLASS)
    if _is_head(scope):
        ids = ids.union(classes.values("pk").order_by())
    else:
        if scope.is_teacher:
            ids = ids.union(
                classes.filter(
                    school_class__homeroom_teacher_id=scope.user_id, school_class__school_year__is_current=True
                )
                .values("pk")
                .order_by(),
                classes.filter(school_class_id__in=taught_class_ids(scope)).values("pk").order_by(),
            )
        if scope.is_student:
            ids = ids.union(
                classes.filter(school_class_id__in=current_class_ids(scope.establishment_id, scope.user_id or 0))
                .values("pk")
                .order_by()
            )
        children = _child_ids(scope)
        if children and guardians_see_class_spaces(scope.establishment_id):
            ids = ids.union(
                classes.filter(school_class_id__in=current_class_ids(scope.establishment_id, children))
                .values("pk")
                .order_by()
            )
    return Space.objects.filter(pk__in=ids)


def _audience(scope: Scope) -> list[Q]:
    """The share audiences the person belongs to here, one ``Q`` each (shares of the current establishment)."""
    audiences = [Q(kind=Share.Kind.USER, user_id=scope.user_id)]
    if scope.is_student:
        audiences.append(
            Q(
                kind__in=[Share.Kind.CLASS_STUDENTS, Share.Kind.CLASS_ALL],
                school_class_id__in=current_class_ids(scope.establishment_id, scope.user_id or 0),
            )
        )
        audiences.append(
            Q(
                kind=Share.Kind.GROUP,
                teaching_group_id__in=current_group_ids(scope.establishment_id, scope.user_id or 0),
            )
        )
    children = _child_ids(scope)
    if children:
        audiences.append(
            Q(
                kind__in=[Share.Kind.CLASS_GUARDIANS, Share.Kind.CLASS_ALL],
                school_class_id__in=current_class_ids(scope.establishment_id, children),
            )
        )
    if _is_staff_or_teacher(scope):
        audiences.append(Q(kind=Share.Kind.STAFF))
    return audiences


def matching_shares(scope: Scope) -> QuerySet[Share]:
    """The shares that reach the person in their current establishment ("shared with me").

    One ``UNION`` of index lookups, one per audience (see "one idiom per job").
    """
    if not may_use(scope) or scope.establishment_id is None:
        return Share.objects.none()
    here = Share.objects.filter(establishment_id=scope.establishment_id)
    first, *others = [here.filter(q).values("pk").order_by() for q in _audience(scope)]
    return Share.objects.filter(pk__in=first.union(*others) if others else first)


def share_right(scope: Scope, node_ids: list[int]) -> Right | None:
    """The strongest right the person's shares give on any of these nodes (one query)."""
    if not may_use(scope) or scope.establishment_id is None or not node_ids:
        return None
    audience = Q()
    for q in _audience(scope):
        audience |= q
    best = (
        Share.objects.filter(audience, node_id__in=node_ids, establishment_id=scope.establishment_id)
        .aggregate(best=Max("right"))
        .get("best")
    )
    return Right(best) if best else None


def ancestors_of(node: Node) -> tuple[Ancestor, ...]:
    """The folders above ``node``, root first (one query; none for a root)."""
    ids = node.ancestor_ids
    if not ids:
        return ()
    rows = Node.objects.filter(pk__in=ids).values_list("pk", "name", "parent_id", "trashed_at", "is_read_only")
    by_pk = {row[0]: Ancestor(*row) for row in rows}
    return tuple(by_pk[pk] for pk in ids if pk in by_pk)


def node_access(scope: Scope, node: Node, *, trashed: bool = False) -> NodeAccess | None:
    """The person's access to ``node`` (its ``space`` loaded), or None when they may not see it.

    ``trashed=False``: the node and its ancestors are out of the trash; ``trashed=True``: the node
    was put in the trash itself (its folder may be in the trash too), reached from the trash.
    """
    if not may_use(scope):
        return None
    if trashed != (node.trashed_at is not None):
        return None
    ancestors = ancestors_of(node)
    if not trashed and any(a.trashed_at is not None for a in ancestors):
        return None
    right = space_right(scope, node.space)
    if right is None or right < Right.MANAGE:
        shared = share_right(scope, [*node.ancestor_ids, node.pk])
        if shared is not None and (right is None or shared > right):
            right = shared
    if right is None:
        return None
    if trashed and right < Right.MANAGE:
        return None
    if node.is_read_only or any(a.is_read_only for a in ancestors):
        right = Right.READ
    return NodeAccess(node=node, right=right, ancestors=ancestors)


def find_node(scope: Scope, pk: int | None, *, trashed: bool = False) -> NodeAccess | None:
    """The node ``pk`` with the person's access, or None (absent and forbidden alike)."""
    if pk is None or not may_use(scope):
        return None
    node = Node.objects.select_related("space").filter(pk=pk).first()
    if node is None:
        return None
    return node_access(scope, node, trashed=trashed)


def get_node(scope: Scope, pk: int, *, trashed: bool = False) -> NodeAccess:
    """Return the node with the person's access, or raise 404 (absent and forbidden alike)."""
    return found_or_404(find_node(scope, pk, trashed=trashed))


def get_folder(scope: Scope, pk: int) -> NodeAccess:
    """Return a folder with the person's access, or raise 404."""
    found = find_node(scope, pk)
    return found_or_404(found if found is not None and found.node.is_folder else None)


def get_file(scope: Scope, pk: int) -> NodeAccess:
    """Return a file with the person's access, or raise 404."""
    found = find_node(scope, pk)
    return found_or_404(found if found is not None and not found.node.is_folder else None)


def require(access: NodeAccess, right: Right) -> None:
    """Refuse, with a message for the person, an action beyond their right on the node."""
    if access.allows(right):
        return
    if access.node.is_read_only or any(a.is_read_only for a in access.ancestors):
        message = _("“%(name)s” was handed out to you: it is read only.")
    elif right == Right.CONTRIBUTE:
        message = _("You may open “%(name)s” but not add to it.")
    else:
        message = _("You may not change “%(name)s”.")
    raise ApplicationError(message % {"name": access.node.name}, extra={"code": "forbidden", "needs": int(right)})


# -- Sharing, spaces and hand-outs ---------------------------------------------------------
#
# * Sharing needs ``documents.share`` and the manage right on the node. Staff and teachers may
#   share with anyone of their current establishment, with a class's students, its guardians or
#   both, a teaching group, or all staff and teachers; students, parents and partners (when the
#   establishment allows them to share) with the establishment's staff and teachers, and students
#   also with their classmates.
# * Hand-outs and collections (``documents.distribute``): a teacher hands out to, and collects
#   from, the current classes and teaching groups they teach. A collection is seen by the teacher
#   who opened it and by the students of its class or group (each sees only their own work).

#: share tokens of the picker → the kind of share they make
SHARE_TOKEN_KINDS = {
    "class-students": Share.Kind.CLASS_STUDENTS,
    "class-guardians": Share.Kind.CLASS_GUARDIANS,
    "class-all": Share.Kind.CLASS_ALL,
    "group": Share.Kind.GROUP,
    "staff": Share.Kind.STAFF,
}


@dataclass(frozen=True)
class AudienceChoice:
    """A group one may share with or hand out to: its token (``class-all:3``), label and section."""

    token: str
    label: str
    section: str


def may_share(scope: Scope) -> bool:
    """Whether the person may share documents here (``documents.share``)."""
    return may_use(scope) and scope.has(DocumentsHabilitation.SHARE)


def may_distribute(scope: Scope) -> bool:
    """Whether the person may hand out and collect work here (``documents.distribute``)."""
    return may_use(scope) and scope.has(DocumentsHabilitation.DISTRIBUTE)


def _current_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """The current establishment's classes of this school year."""
    return SchoolClass.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)


def _current_groups(scope: Scope) -> QuerySet[TeachingGroup]:
    """The current establishment's teaching groups of this school year."""
    return TeachingGroup.objects.filter(establishment_id=scope.establishment_id, school_year__is_current=True)


def share_groups(scope: Scope) -> list[AudienceChoice]:
    """The groups the person may share with (two queries for staff and teachers, none otherwise)."""
    if not may_share(scope) or not _is_staff_or_teacher(scope):
        return []
    classes = list(_current_classes(scope).order_by("level__order", "name").values_list("pk", "name"))
    choices: list[AudienceChoice] = []
    sections = (
        ("class-students", _("Students of a class"), _("Students of %(name)s")),
        ("class-guardians", _("Guardians of a class"), _("Guardians of %(name)s")),
        ("class-all", _("Students and guardians of a class"), _("Students and guardians of %(name)s")),
    )
    for prefix, section, label in sections:
        choices += [AudienceChoice(f"{prefix}:{pk}", label % {"name": name}, section) for pk, name in classes]
    groups = _current_groups(scope).order_by("name").values_list("pk", "name")
    choices += [
        AudienceChoice(f"group:{pk}", _("Group %(name)s") % {"name": name}, _("Teaching groups")) for pk, name in groups
    ]
    choices.append(AudienceChoice("staff:all", _("All staff and teachers"), _("Staff")))
    return choices


def shareable_people(scope: Scope) -> QuerySet[User]:
    """The people the person may share with, themselves excluded (a queryset, nothing loaded)."""
    if not may_share(scope):
        return User.objects.none()
    here = RoleAssignment.objects.filter(establishment_id=scope.establishment_id, is_active=True)
    if _is_staff_or_teacher(scope):
        ids = here.values("user_id").order_by()
    else:
        ids = here.filter(role__in=[Role.TEACHER, Role.STAFF]).values("user_id").order_by()
        if scope.is_student:
            classmates = Enrollment.objects.filter(
                school_class_id__in=current_class_ids(scope.establishment_id, scope.user_id or 0)
            ).values("student_id")
            ids = ids.union(classmates.order_by())
    return User.objects.filter(pk__in=ids, is_active=True).exclude(pk=scope.user_id)


def distributable_groups(scope: Scope) -> list[AudienceChoice]:
    """The classes and teaching groups the teacher may hand out to and collect from (two queries)."""
    if not may_distribute(scope):
        return []
    classes = _current_classes(scope).filter(pk__in=taught_class_ids(scope)).order_by("level__order", "name")
    groups = _current_groups(scope).filter(teachings__teacher_id=scope.user_id).distinct().order_by("name")
    return [
        *(AudienceChoice(f"class-students:{pk}", name, _("Classes")) for pk, name in classes.values_list("pk", "name")),
        *(AudienceChoice(f"group:{pk}", name, _("Teaching groups")) for pk, name in groups.values_list("pk", "name")),
    ]


def parse_token(token: str) -> tuple[str, int | None]:
    """``class-all:3`` → (``class-all``, 3); ``staff:all`` → (``staff``, None)."""
    kind, _sep, raw = token.partition(":")
    return kind, (int(raw) if raw.isdigit() and len(raw) < 19 else None)


def audience_ids(establishment_id: int | None, tokens: list[str]) -> QuerySet[Any, Any]:
    """The ids of the people the tokens stand for now, as one ``UNION`` subquery (``values_list(flat=True)``)."""
    parts: list[QuerySet[Any, Any]] = []
    classes: dict[str, list[int]] = {"class-students": [], "class-guardians": [], "class-all": []}
    groups: list[int] = []
    users: list[int] = []
    staff = False
    for token in tokens:
        kind, pk = parse_token(token)
        if kind in classes and pk is not None:
            classes[kind].append(pk)
        elif kind == "group" and pk is not None:
            groups.append(pk)
        elif kind == "user" and pk is not None:
            users.append(pk)
        elif kind == "staff":
            staff = True
    current = Enrollment.objects.filter(establishment_id=establishment_id, school_class__school_year__is_current=True)
    student_classes = classes["class-students"] + classes["class-all"]
    guardian_classes = classes["class-guardians"] + classes["class-all"]
    if student_classes:
        parts.append(
            current.filter(school_class_id__in=student_classes).values_list("student_id", flat=True).order_by()
        )
    if guardian_classes:
        students = current.filter(school_class_id__in=guardian_classes).values("student_id")
        parts.append(
            Guardianship.objects.filter(establishment_id=establishment_id, student_id__in=students)
            .values_list("guardian_id", flat=True)
            .order_by()
        )
    if groups:
        parts.append(
            GroupMembership.objects.filter(
                establishment_id=establishment_id,
                teaching_group_id__in=groups,
                teaching_group__school_year__is_current=True,
            )
            .values_list("student_id", flat=True)
            .order_by()
        )
    if staff:
        parts.append(
            RoleAssignment.objects.filter(
                establishment_id=establishment_id, is_active=True, role__in=[Role.TEACHER, Role.STAFF]
            )
            .values_list("user_id", flat=True)
            .order_by()
        )
    if users:
        parts.append(User.objects.filter(pk__in=users).values_list("pk", flat=True).order_by())
    if not parts:
        return User.objects.none().values_list("pk", flat=True)
    first, *others = parts
    return first.union(*others) if others else first


def visible_collections(scope: Scope) -> QuerySet[Collection]:
    """The collections the person sees: those they opened (teachers), those of their classes and groups (students)."""
    if not may_use(scope) or scope.establishment_id is None:
        return Collection.objects.none()
    here = Collection.objects.filter(establishment_id=scope.establishment_id)
    ids = here.filter(created_by_id=scope.user_id).values("pk").order_by()
    if scope.is_student:
        student = scope.user_id or 0
        ids = ids.union(
            here.filter(school_class_id__in=current_class_ids(scope.establishment_id, student)).values("pk").order_by(),
            here.filter(teaching_group_id__in=current_group_ids(scope.establishment_id, student))
            .values("pk")
            .order_by(),
        )
    return Collection.objects.filter(pk__in=ids)


def get_collection(scope: Scope, pk: int) -> Collection:
    """Return a collection the person sees, or raise 404."""
    return first_or_404(
        visible_collections(scope).select_related("folder", "school_class", "teaching_group").filter(pk=pk)
    )


def collects(scope: Scope, collection: Collection) -> bool:
    """Whether the person is the teacher who collects this work (else: a student handing in)."""
    return collection.created_by_id == scope.user_id


def get_share(scope: Scope, pk: int) -> Share:
    """Return a share of the current establishment whose node the person manages, or raise 404."""
    share = Share.objects.filter(pk=pk, establishment_id=scope.establishment_id).select_related("node").first()
    found = find_node(scope, share.node_id) if share is not None else None
    return found_or_404(share if found is not None and found.allows(Right.MANAGE) else None)
