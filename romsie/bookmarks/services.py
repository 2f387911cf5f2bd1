"""Writes of the bookmarks: one's own, and the territory's family-service links. Keyword-only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.services import audit_record
from romsie.establishments.models import Establishment, Territory
from romsie.schooling.models import Level

from . import access
from .models import Bookmark, FamilyLink, web_address

MAX_BOOKMARKS = 300


def check_url(url: str) -> str:
    """Return the web address stripped, or raise ``ApplicationError`` for anything but http(s)."""
    url = url.strip()
    try:
        web_address(url)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages)) from error
    return url


def _bump_own(scope: Scope) -> None:
    transaction.on_commit(lambda: versions.bump(versions.Kind.BOOKMARKS, scope.user_id))


@transaction.atomic
def bookmark_create(*, scope: Scope, title: str, url: str, folder: str = "") -> Bookmark:
    """Add a bookmark at the end of its folder."""
    url = check_url(url)
    mine = access.visible_bookmarks(scope)
    if mine.count() >= MAX_BOOKMARKS:
        raise ApplicationError(_("You have too many bookmarks (%(max)d at most).") % {"max": MAX_BOOKMARKS})
    folder = folder.strip()
    last = mine.filter(folder=folder).aggregate(last=Max("position"))["last"]
    bookmark = Bookmark.objects.create(
        owner_id=scope.user_id, title=title.strip(), url=url, folder=folder, position=(last or 0) + 1
    )
    _bump_own(scope)
    return bookmark


@transaction.atomic
def bookmark_update(*, scope: Scope, bookmark: Bookmark, title: str, url: str, folder: str = "") -> Bookmark:
    """Change a bookmark."""
    bookmark.title = title.strip()
    bookmark.url = check_url(url)
    bookmark.folder = folder.strip()
    bookmark.save(update_fields=["title", "url", "folder"])
    _bump_own(scope)
    return bookmark


@transaction.atomic
def bookmark_delete(*, scope: Scope, bookmark: Bookmark) -> None:
    """Remove a bookmark."""
    access.visible_bookmarks(scope).filter(pk=bookmark.pk).delete()
    _bump_own(scope)


@transaction.atomic
def bookmark_move(*, scope: Scope, bookmark: Bookmark, up: bool) -> None:
    """Swap a bookmark with its neighbour in its folder (locked, so two clicks cannot tangle them)."""
    rows = list(
        access.visible_bookmarks(scope).filter(folder=bookmark.folder).select_for_update().order_by("position", "pk")
    )
    index = next((i for i, row in enumerate(rows) if row.pk == bookmark.pk), None)
    if index is None:
        return
    other = index - 1 if up else index + 1
    if not 0 <= other < len(rows):
        return
    rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows, 1):
        row.position = position
    Bookmark.objects.bulk_update(rows, ["position"])
    _bump_own(scope)


def _family_fields(
    *, scope: Scope, territory: Territory, reach: str, establishments: Sequence[Establishment], levels: Sequence[Level]
) -> None:
    if territory.pk not in scope.territory_ids:
        raise ApplicationError(_("You do not administer this territory."))
    if any(e.territory_id != territory.pk for e in establishments):
        raise ApplicationError(_("Choose establishments of the link's territory."))
    if reach == FamilyLink.Reach.CHOSEN and not establishments:
        raise ApplicationError(_("Choose at least one establishment, or another reach."))


def _bump_family(territory_id: int) -> None:
    transaction.on_commit(lambda: versions.bump(versions.Kind.FAMILY_LINKS, territory_id))


@transaction.atomic
def family_link_save(
    *,
    scope: Scope,
    link: FamilyLink | None,
    version: int | None = None,
    territory: Territory,
    establishments: Sequence[Establishment] = (),
    levels: Sequence[Level] = (),
    **fields: Any,
) -> FamilyLink:
    """Create or change a family-service link of an administered territory."""
    fields["url"] = check_url(fields.get("url", ""))
    _family_fields(
        scope=scope, territory=territory, reach=fields.get("reach", ""), establishments=establishments, levels=levels
    )
    if not (fields.get("for_guardians") or fields.get("for_students")):
        raise ApplicationError(_("Show the link to guardians, to students, or both."))
    if link is None:
        link = FamilyLink(territory=territory)
    else:
        claim_version(link, version)
        if link.territory_id != territory.pk:
            _bump_family(link.territory_id)
        link.territory = territory
    for name, value in fields.items():
        setattr(link, name, value)
    link.save()
    link.establishments.set(establishments if link.reach == FamilyLink.Reach.CHOSEN else [])
    link.levels.set(levels)
    audit_record(scope=scope, action="bookmarks.family_link_save", target=link)
    _bump_family(territory.pk)
    return link


@transaction.atomic
def family_link_delete(*, scope: Scope, link: FamilyLink) -> None:
    """Delete a family-service link."""
    territory_id = link.territory_id
    audit_record(scope=scope, action="bookmarks.family_link_delete", target=link)
    access.managed_family_links(scope).filter(pk=link.pk).delete()
    _bump_family(territory_id)
