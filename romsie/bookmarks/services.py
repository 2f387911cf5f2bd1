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
from romsie.schooling.audiences import AudienceChoice, audience_apply
from romsie.schooling.models import Level

from . import access
from .habilitations import BookmarksHabilitation
from .models import Bookmark, FamilyLink, PushedBookmark, web_address

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


def _bump_pushed(establishment_id: int) -> None:
    transaction.on_commit(lambda: versions.bump(versions.Kind.BOOKMARKS_PUSHED, establishment_id))


@transaction.atomic
def pushed_save(
    *,
    scope: Scope,
    pushed: PushedBookmark | None,
    choice: AudienceChoice,
    version: int | None = None,
    title: str,
    url: str,
    description: str = "",
    position: int = 0,
) -> PushedBookmark:
    """Push a link to roles, levels or classes of the establishment (or change a pushed one)."""
    if not scope.has(BookmarksHabilitation.PUSH) or scope.establishment_id is None:
        raise ApplicationError(_("You may not push bookmarks."))
    url = check_url(url)
    if pushed is None:
        pushed = PushedBookmark(establishment_id=scope.establishment_id, author_id=scope.user_id)
    else:
        claim_version(pushed, version)
    pushed.title, pushed.url, pushed.description, pushed.position = title.strip(), url, description.strip(), position
    pushed.save()
    audience_apply(pushed, choice)
    _bump_pushed(scope.establishment_id)
    return pushed


@transaction.atomic
def pushed_delete(*, scope: Scope, pushed: PushedBookmark) -> None:
    """Withdraw a pushed bookmark."""
    access.managed_pushed(scope).filter(pk=pushed.pk).delete()
    _bump_pushed(pushed.establishment_id)
