"""Writes of the news service: save, publish, delete, confirm news; pin and remove sticky notes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.richtext import clean_rich_text
from romsie.core.services import audit_record
from romsie.documents import sharing as document_sharing
from romsie.identity.models import User
from romsie.notifications.services import notify
from romsie.schooling.models import SchoolClass

from . import access
from .habilitations import NewsHabilitation
from .models import Confirmation, NewsClass, NewsItem, StickyNote

KIND_NEWS = "news.published"
KIND_MUST_READ = "news.must_read"


@dataclass
class NewsData:
    """What an author chooses for a news item."""

    title: str
    body: str
    published_at: datetime.datetime
    expires_at: datetime.datetime | None = None
    requires_confirmation: bool = False
    is_draft: bool = False
    for_students: bool = False
    for_parents: bool = False
    for_teachers: bool = False
    for_staff: bool = False
    school_classes: list[SchoolClass] = field(default_factory=list)
    documents: list[int] | None = None  # files linked from the author's documents; None: unchanged


def check_news_data(*, scope: Scope, data: NewsData) -> None:
    """Refuse an audience or dates the person may not choose."""
    if not access.can_write_news(scope):
        raise ApplicationError(
            _("This audience is not yours to choose."), extra={"reason": "not allowed to write news"}
        )
    if data.expires_at is not None and data.expires_at <= data.published_at:
        raise ApplicationError(
            _("This audience is not yours to choose."), extra={"reason": "expiry before publication"}
        )
    if not (data.for_students or data.for_parents or data.for_teachers or data.for_staff):
        raise ApplicationError(_("This audience is not yours to choose."), extra={"reason": "no audience"})
    if not scope.has(NewsHabilitation.PUBLISH) and not data.school_classes:
        raise ApplicationError(_("This audience is not yours to choose."), extra={"reason": "class news only"})
    allowed = set(access.writable_classes(scope).values_list("pk", flat=True)) if data.school_classes else set()
    if any(c.pk not in allowed for c in data.school_classes):
        raise ApplicationError(_("This audience is not yours to choose."), extra={"reason": "class out of reach"})


@transaction.atomic
def news_item_save(
    *, scope: Scope, data: NewsData, item: NewsItem | None = None, version: int | None = None
) -> NewsItem:
    """Create or update a news item; notify its recipients if it is visible now and was not yet.

    An update is refused (``StaleEdit``) unless ``version`` is still the item's version.
    """
    check_news_data(scope=scope, data=data)
    linked = document_sharing.links_check(scope=scope, node_ids=data.documents) if data.documents is not None else None
    creating = item is None
    if item is None:
        item = NewsItem(establishment_id=scope.establishment_id, author_id=scope.user_id)
    else:
        claim_version(item, version)
    item.title = data.title.strip()
    item.body = clean_rich_text(data.body)
    item.published_at = data.published_at
    item.expires_at = data.expires_at
    item.requires_confirmation = data.requires_confirmation
    item.is_draft = data.is_draft
    item.for_students, item.for_parents = data.for_students, data.for_parents
    item.for_teachers = data.for_teachers
    item.is_class_news = bool(data.school_classes)
    item.for_staff = data.for_staff and not item.is_class_news
    item.save()
    kept = {c.pk for c in data.school_classes}
    if not creating:
        NewsClass.objects.filter(item=item).exclude(school_class_id__in=kept).delete()
        kept -= set(NewsClass.objects.filter(item=item).values_list("school_class_id", flat=True))
    NewsClass.objects.bulk_create(
        [NewsClass(establishment_id=item.establishment_id, item=item, school_class_id=pk) for pk in sorted(kept)]
    )
    if linked is not None:
        item.linked_documents.set(linked)
        if linked and is_visible_now(item) and item.notified_at is not None:
            _grant_linked(item, linked)  # else notify_if_due grants them as the item comes out
    audit_record(scope=scope, action="news.create" if creating else "news.update", target=item, item=item.pk)
    notify_if_due(item, linked=[] if linked is None and creating else linked)
    versions.bump(versions.Kind.NEWS, item.establishment_id)
    return item


def is_visible_now(item: NewsItem, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return not item.is_draft and item.published_at <= now and (item.expires_at is None or item.expires_at > now)


def _grant_linked(item: NewsItem, nodes: list[Any]) -> None:
    """The readers get a read share of the linked files (checked again when they open one)."""
    readers = access.recipients(item).values_list("pk", flat=True)
    document_sharing.links_grant(
        establishment_id=item.establishment_id, granted_by_id=item.author_id, nodes=nodes, user_ids=readers
    )


def notify_if_due(item: NewsItem, now: datetime.datetime | None = None, *, linked: list[Any] | None = None) -> int:
    """Notify the recipients of an item that became visible and was never notified (bulk); a
    scheduled item's readers get its linked files then."""
    now = now or timezone.now()
    if item.notified_at is not None or not is_visible_now(item, now):
        return 0
    if linked is None:  # not known by the caller: read them
        linked = list(item.linked_documents.all())
    if linked:
        _grant_linked(item, linked)
    recipient_ids = list(access.recipients(item, notified=True).values_list("pk", flat=True))
    count = notify(
        KIND_MUST_READ if item.requires_confirmation else KIND_NEWS,
        recipient_ids,
        params={"title": item.title},
        url=reverse("news:item-detail", args=[item.pk]),
        establishment_id=item.establishment_id,
        actor_id=item.author_id,
    )
    item.notified_at = now
    NewsItem.objects.filter(pk=item.pk).update(notified_at=now)
    return count


def news_notify_due(*, now: datetime.datetime | None = None) -> int:
    """Notify the recipients of scheduled items whose publication time has come; return how many."""
    now = now or timezone.now()
    due = NewsItem.objects.filter(access.published_filter(), notified_at__isnull=True, published_at__lte=now)
    total = 0
    for item in due.order_by("published_at", "pk"):
        with transaction.atomic():
            total += notify_if_due(item, now)
        versions.bump(versions.Kind.NEWS, item.establishment_id)
    return total


@transaction.atomic
def news_item_delete(*, scope: Scope, item: NewsItem) -> None:
    """Delete a news item with its confirmations."""
    audit_record(scope=scope, action="news.delete", target=item, item=item.pk)
    establishment_id = item.establishment_id
    item.delete()
    versions.bump(versions.Kind.NEWS, establishment_id)


def news_item_confirm(*, scope: Scope, item: NewsItem) -> None:
    """Record that the person read a must-read notice (once; a second click changes nothing)."""
    if not item.requires_confirmation:
        raise ApplicationError(_("This is not a must-read notice."), extra={"reason": "not a must-read notice"})
    Confirmation.objects.bulk_create(
        [Confirmation(establishment_id=item.establishment_id, item=item, user_id=scope.user_id)],
        ignore_conflicts=True,
    )
    versions.bump(versions.Kind.NEWS_READER, scope.user_id)


# Sticky notes


@transaction.atomic
def sticky_note_pin(
    *,
    scope: Scope,
    text: str,
    school_class: SchoolClass | None = None,
    person: User | None = None,
    expires_at: datetime.datetime | None = None,
) -> StickyNote:
    """Pin a note on a class's or a person's dashboard, among those the author may address."""
    if (school_class is None) == (person is None):
        raise ApplicationError(_("You may not pin a note there."), extra={"reason": "a class or a person"})
    if school_class is not None and not access.addressable_classes(scope).filter(pk=school_class.pk).exists():
        raise ApplicationError(_("You may not pin a note there."), extra={"reason": "class out of reach"})
    if person is not None and not access.addressable_people(scope).filter(pk=person.pk).exists():
        raise ApplicationError(_("You may not pin a note there."), extra={"reason": "person out of reach"})
    note = StickyNote.objects.create(
        establishment_id=scope.establishment_id,
        author_id=scope.user_id,
        text=text.strip(),
        school_class=school_class,
        person=person,
        expires_at=expires_at,
    )
    versions.bump(versions.Kind.STICKY_NOTES, scope.establishment_id)
    return note


@transaction.atomic
def sticky_note_remove(*, scope: Scope, note: StickyNote) -> None:
    """Remove one of the author's notes."""
    if note.author_id != scope.user_id:
        raise ApplicationError(_("Only its author may remove a note."), extra={"reason": "not the author"})
    note.delete()
    versions.bump(versions.Kind.STICKY_NOTES, scope.establishment_id)
