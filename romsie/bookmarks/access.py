"""Who sees and manages bookmarks and family-service links.

* A person's own bookmarks are theirs alone (``bookmarks.use``, service on): anyone else's is
  not found (404).
* A family-service link belongs to a territory; its territory admins alone list, create, edit
  and delete it (another territory's link is a 404). It is shown, in an establishment of its
  territory that it reaches (every one, the chosen ones, or every one of a kind), to the guardians
  there if ``for_guardians`` and to the students if ``for_students``; when levels are chosen, only
  to a guardian with a child currently in one of those levels there, or a student in one of them.
* A pushed bookmark is seen, in its establishment only, by the people of its audience (roles,
  narrowed to levels and classes: ``schooling.audiences``). Holders of ``bookmarks.push`` list,
  create, edit and delete every pushed bookmark of the establishment.
* Nobody else sees a family-service link (staff, teachers, partners): it is for families.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.schooling.access import current_class_ids
from romsie.schooling.audiences import visible_q
from romsie.schooling.models import SchoolClass

from .habilitations import BookmarksHabilitation
from .models import REACH_OF_KIND, Bookmark, FamilyLink, PushedBookmark

SERVICE = "bookmarks"


def may_use(scope: Scope) -> bool:
    """Tell whether the person may use bookmarks in the current establishment."""
    return scope.user_id is not None and SERVICE in scope.services and scope.has(BookmarksHabilitation.USE)


def visible_bookmarks(scope: Scope) -> QuerySet[Bookmark]:
    """Return the person's own bookmarks."""
    if not may_use(scope):
        return Bookmark.objects.none()
    return Bookmark.objects.filter(owner_id=scope.user_id)


def get_bookmark(scope: Scope, bookmark_id: int) -> Bookmark:
    """Return one of the person's bookmarks, or raise 404."""
    return first_or_404(visible_bookmarks(scope).filter(pk=bookmark_id))


def _level_ids(scope: Scope, students: Any) -> QuerySet[Any, Any]:
    classes = SchoolClass.objects.filter(pk__in=current_class_ids(scope.establishment_id, students))
    return classes.values("level_id")


def visible_family_links(scope: Scope) -> QuerySet[FamilyLink]:
    """Return the family-service links shown to the person in the current establishment."""
    establishment = scope.establishment
    if establishment is None or not may_use(scope) or not (scope.is_parent or scope.is_student):
        return FamilyLink.objects.none()
    reach = Q(reach=FamilyLink.Reach.ALL) | Q(reach=FamilyLink.Reach.CHOSEN, establishments=establishment.id)
    kind_reach = REACH_OF_KIND.get(establishment.kind)  # type: ignore[call-overload]
    if kind_reach is not None:
        reach |= Q(reach=kind_reach)
    links_levels = FamilyLink.levels.through.objects.filter(familylink_id=OuterRef("pk"))
    audience = Q(pk__in=[])
    if scope.is_parent and scope.children:
        levels = _level_ids(scope, [child.id for child in scope.children])
        audience |= Q(for_guardians=True) & (~Exists(links_levels) | Exists(links_levels.filter(level_id__in=levels)))
    if scope.is_student:
        levels = _level_ids(scope, scope.user_id)
        audience |= Q(for_students=True) & (~Exists(links_levels) | Exists(links_levels.filter(level_id__in=levels)))
    return FamilyLink.objects.filter(reach, audience, territory_id=establishment.territory_id).distinct()


def managed_family_links(scope: Scope) -> QuerySet[FamilyLink]:
    """Return the family-service links of the territories the person administers."""
    return FamilyLink.objects.filter(territory_id__in=scope.territory_ids)


def get_managed_family_link(scope: Scope, link_id: int) -> FamilyLink:
    """Return one link of an administered territory, or raise 404."""
    return first_or_404(managed_family_links(scope).filter(pk=link_id))


def visible_pushed(scope: Scope) -> QuerySet[PushedBookmark]:
    """Return the bookmarks pushed to the person in the current establishment."""
    if scope.establishment_id is None or not may_use(scope):
        return PushedBookmark.objects.none()
    return PushedBookmark.objects.filter(visible_q(PushedBookmark, scope), establishment_id=scope.establishment_id)


def managed_pushed(scope: Scope) -> QuerySet[PushedBookmark]:
    """Return every bookmark pushed in the establishment, for holders of ``bookmarks.push``."""
    if scope.establishment_id is None or not scope.has(BookmarksHabilitation.PUSH):
        return PushedBookmark.objects.none()
    return PushedBookmark.objects.filter(establishment_id=scope.establishment_id)


def get_managed_pushed(scope: Scope, pushed_id: int) -> PushedBookmark:
    """Return one pushed bookmark the person manages, or raise 404."""
    return first_or_404(managed_pushed(scope).filter(pk=pushed_id))
