"""Writes of the news service: save, publish, delete, confirm news; pin and remove sticky notes."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import nh3
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from romsie.core import notifications, versions
from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.services import audit_record
from romsie.identity.models import User
from romsie.schooling.models import SchoolClass

from . import access
from .habilitations import NewsHabilitation
from .models import Confirmation, NewsClass, NewsItem, StickyNote

KIND_NEWS = "news.published"
KIND_MUST_READ = "news.must_read"

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
_BLOCK = re.compile(r"<\s*(p|ul|ol|br)\b", re.IGNORECASE)


class NewsError(Exception):
    """A write refused by the rules (the forms normally prevent it)."""


def sanitise(body: str) -> str:
    """Return safe HTML: paragraphs, line breaks, bold, italic, lists and links, nothing else.

    Text typed without tags gets a paragraph per blank-line-separated block.
    """
    text = body.replace("\r\n", "\n").strip()
    if not _BLOCK.search(text):
        blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
        text = "".join("<p>{}</p>".format(b.replace("\n", "<br>")) for b in blocks)
    return nh3.clean(
        text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer"
    ).strip()


def has_text(html: str) -> bool:
    return bool(strip_tags(html).replace("&nbsp;", " ").strip())


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


def check_news_data(*, scope: Scope, data: NewsData) -> None:
    """Refuse an audience or dates the person may not choose."""
    if not access.can_write_news(scope):
        raise NewsError("not allowed to write news")
    if data.expires_at is not None and data.expires_at <= data.published_at:
        raise NewsError("expiry before publication")
    if not (data.for_students or data.for_parents or data.for_teachers or data.for_staff):
        raise NewsError("no audience")
    if not scope.has(NewsHabilitation.PUBLISH) and not data.school_classes:
        raise NewsError("class news only")
    allowed = set(access.writable_classes(scope).values_list("pk", flat=True)) if data.school_classes else set()
    if any(c.pk not in allowed for c in data.school_classes):
        raise NewsError("class out of reach")


@transaction.atomic
def news_item_save(
    *, scope: Scope, data: NewsData, item: NewsItem | None = None, version: int | None = None
) -> NewsItem:
    """Create or update a news item; notify its recipients if it is visible now and was not yet.

    An update is refused (``StaleEdit``) unless ``version`` is still the item's version.
    """
    check_news_data(scope=scope, data=data)
    creating = item is None
    if item is None:
        item = NewsItem(establishment_id=scope.establishment_id, author_id=scope.user_id)
    else:
        claim_version(item, version)
    item.title = data.title.strip()
    item.body = sanitise(data.body)
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
    audit_record(scope=scope, action="news.create" if creating else "news.update", target=item, item=item.pk)
    notify_if_due(item)
    versions.bump("news", item.establishment_id)
    return item


def is_visible_now(item: NewsItem, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return not item.is_draft and item.published_at <= now and (item.expires_at is None or item.expires_at > now)


def notify_if_due(item: NewsItem, now: datetime.datetime | None = None) -> int:
    """Notify the recipients of an item that became visible and was never notified (bulk)."""
    now = now or timezone.now()
    if item.notified_at is not None or not is_visible_now(item, now):
        return 0
    recipient_ids = list(access.recipients(item, notified=True).values_list("pk", flat=True))
    count = notifications.notify(
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
        versions.bump("news", item.establishment_id)
    return total


@transaction.atomic
def news_item_delete(*, scope: Scope, item: NewsItem) -> None:
    """Delete a news item with its confirmations."""
    audit_record(scope=scope, action="news.delete", target=item, item=item.pk)
    establishment_id = item.establishment_id
    item.delete()
    versions.bump("news", establishment_id)


def news_item_confirm(*, scope: Scope, item: NewsItem) -> None:
    """Record that the person read a must-read notice (once; a second click changes nothing)."""
    if not item.requires_confirmation:
        raise NewsError("not a must-read notice")
    Confirmation.objects.bulk_create(
        [Confirmation(establishment_id=item.establishment_id, item=item, user_id=scope.user_id)],
        ignore_conflicts=True,
    )
    versions.bump("news_reader", scope.user_id)


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
        raise NewsError("a class or a person")
    if school_class is not None and not access.addressable_classes(scope).filter(pk=school_class.pk).exists():
        raise NewsError("class out of reach")
    if person is not None and not access.addressable_people(scope).filter(pk=person.pk).exists():
        raise NewsError("person out of reach")
    note = StickyNote.objects.create(
        establishment_id=scope.establishment_id,
        author_id=scope.user_id,
        text=text.strip(),
        school_class=school_class,
        person=person,
        expires_at=expires_at,
    )
    versions.bump("sticky_notes", scope.establishment_id)
    return note


@transaction.atomic
def sticky_note_remove(*, scope: Scope, note: StickyNote) -> None:
    """Remove one of the author's notes."""
    if note.author_id != scope.user_id:
        raise NewsError("not the author")
    note.delete()
    versions.bump("sticky_notes", scope.establishment_id)
