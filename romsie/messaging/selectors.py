"""Reads of the messaging: mailbox pages by keyset, threads, counts, search, lists, policy."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.core.pagination import KeysetPage, keyset_page
from romsie.core.text import fold
from romsie.identity.models import Role, User
from romsie.identity.selectors import BY_NAME

from . import access
from .habilitations import MessagingHabilitation
from .models import Attachment, Delivery, Folder, ListMembership, MailingList, Message, Policy

PAGE_SIZE = 25
# Version stamp of a person's mailbox, refreshed by every change to it (the dashboard widget's cache).
MAILBOX_VERSION = versions.Kind.MESSAGING_MAILBOX
SEARCH_LIMIT = 50
# At most this many people chosen one by one are shown again (the service accepts fewer).
CHOSEN_LIMIT = 250
POLICY_SECONDS = 60


def mailboxes_changed(user_ids: Iterable[int]) -> None:
    """Refresh the cached dashboard widget of these people (one cache round trip for all).

    The cache of a mailbox summary is read here (:data:`MAILBOX_VERSION`); every write that
    changes a mailbox calls this, the services and the notification task alike.
    """
    token = time.time_ns()
    cache.set_many({versions.key(MAILBOX_VERSION, pk): token for pk in user_ids}, None)


# --------------------------------------------------------------------------- policy


#: recipients per hour of each role when neither the territory nor the establishment set a limit;
#: ``ROMSIE_MESSAGING_HOURLY_RECIPIENTS`` (a dict by role) changes them.
DEFAULT_HOURLY_RECIPIENTS = {"student": 50, "parent": 20, "teacher": 2000, "staff": 10_000, "partner": 50}


def default_hourly_recipients() -> dict[str, int]:
    """Return the limit of each role before the territory and the establishment set theirs."""
    limits = {**DEFAULT_HOURLY_RECIPIENTS, **getattr(settings, "ROMSIE_MESSAGING_HOURLY_RECIPIENTS", {})}
    student = getattr(settings, "ROMSIE_MESSAGING_STUDENT_HOURLY_RECIPIENTS", None)  # the older setting
    if student is not None:
        limits["student"] = student
    return {role: int(limits[role]) for role in Policy.LIMITED_ROLES}


@dataclass(frozen=True)
class EffectivePolicy:
    """The messaging switch that applies to an establishment (the stricter of two), and the limits."""

    mode: str
    hourly_recipients: dict[str, int]

    @property
    def student_hourly_recipients(self) -> int:
        return self.hourly_recipients["student"]

    def hourly_limit(self, profiles: Iterable[str]) -> int:
        """Return the recipients per hour of a person: the highest limit of their roles here."""
        roles = {profile.partition(".")[0] for profile in profiles}
        return max((n for role, n in self.hourly_recipients.items() if role in roles), default=0)

    def limits(self) -> list[tuple[str, int]]:
        return labelled_limits(self.hourly_recipients)


def labelled_limits(limits: dict[str, int]) -> list[tuple[str, int]]:
    """Return limits by role with the role's name in the active language (the policy pages)."""
    return [(str(Role(role).label), n) for role, n in limits.items()]


_STRICTNESS = [Policy.Mode.OPEN, Policy.Mode.STAFF_ONLY, Policy.Mode.SUSPENDED]


def policy_stamp_keys(establishment_id: int | None, territory_id: int | None) -> tuple[str, str]:
    return (
        versions.key(versions.Kind.MESSAGING_POLICY_TERRITORY, territory_id),
        versions.key(versions.Kind.MESSAGING_POLICY_ESTABLISHMENT, establishment_id),
    )


def effective_policy(scope: Scope) -> EffectivePolicy:
    """Return the switch and limits in force, cached a minute at most and reset by any change."""
    est = scope.establishment
    limits = default_hourly_recipients()
    if est is None:
        return EffectivePolicy(Policy.Mode.SUSPENDED, limits)
    stamp = versions.stamp(*policy_stamp_keys(est.id, est.territory_id))
    key = "romsie:messaging:policy:v2:{}:{}:{}".format(est.id, est.territory_id, "-".join(map(str, stamp)))
    cached = cache.get(key)
    if cached is not None:
        return EffectivePolicy(*cached)
    mode = Policy.Mode.OPEN
    ceilings: dict[str, int] = {}
    for policy in Policy.objects.filter(Q(territory_id=est.territory_id) | Q(establishment_id=est.id)):
        if _STRICTNESS.index(Policy.Mode(policy.mode)) > _STRICTNESS.index(mode):
            mode = Policy.Mode(policy.mode)
        for role in Policy.LIMITED_ROLES:
            value = getattr(policy, f"{role}_hourly_recipients")
            if value is None:
                continue
            if policy.territory_id:
                ceilings[role] = value
            else:
                limits[role] = value
    # The territory's limits are ceilings: an establishment may only be stricter.
    for role, ceiling in ceilings.items():
        limits[role] = min(limits[role], ceiling)
    result = EffectivePolicy(str(mode), limits)
    cache.set(key, (result.mode, result.hourly_recipients), POLICY_SECONDS)
    return result


def sending_refusal(scope: Scope, policy: EffectivePolicy | None = None) -> str:
    """Return why the person may not send now ("" when they may)."""
    policy = policy or effective_policy(scope)
    if policy.mode == Policy.Mode.SUSPENDED:
        return _("Messaging is suspended for now: messages can be read but not sent.")
    if policy.mode == Policy.Mode.STAFF_ONLY and access.is_family_only(scope):
        return _("For now, only the staff and the teachers may send messages.")
    return ""


# --------------------------------------------------------------------------- mailbox


@dataclass
class MailboxSummary:
    """Unread counts per box and the person's folders, for the mailbox navigation."""

    unread: dict[str, int]
    folders: list[Folder]

    @property
    def inbox_unread(self) -> int:
        return self.unread.get(Delivery.Box.INBOX, 0)


def mailbox_summary(scope: Scope) -> MailboxSummary:
    """Return unread counts (one query on the unread index) and the folders (one query)."""
    unread: dict[str, int] = {}
    by_folder: dict[int, int] = {}
    rows = (
        access.visible_deliveries(scope)
        .filter(read_at__isnull=True)
        .values_list("folder", "personal_folder_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for box, folder_id, n in rows:
        unread[box] = unread.get(box, 0) + n
        if folder_id:
            by_folder[folder_id] = n
    folders = list(folders_of(scope))
    for folder in folders:
        folder.unread = by_folder.get(folder.pk, 0)  # type: ignore[attr-defined]
    return MailboxSummary(unread, folders)


def unread_count(scope: Scope) -> int:
    return access.visible_deliveries(scope).filter(read_at__isnull=True, folder=Delivery.Box.INBOX).count()


def folders_of(scope: Scope) -> QuerySet[Folder]:
    return Folder.objects.filter(owner_id=scope.user_id, establishment_id=scope.establishment_id)


def get_folder(scope: Scope, folder_id: int) -> Folder:
    """Return one of the person's folders, or raise 404."""
    if not scope.has(MessagingHabilitation.USE):
        raise Http404
    return first_or_404(folders_of(scope).filter(pk=folder_id))


def mailbox_page(scope: Scope, box: str, *, folder: Folder | None = None, cursor: str = "") -> KeysetPage[Delivery]:
    """Return one page of a box, newest first, by keyset: the cost does not grow with the box."""
    qs = access.visible_deliveries(scope).filter(folder=box)
    if folder is not None:
        qs = qs.filter(personal_folder=folder)
    rows = qs.select_related("message", "message__sender")
    return keyset_page(rows, time_field="sent_at", cursor=cursor, size=PAGE_SIZE)


def dashboard_summary(scope: Scope, count: int = 5) -> tuple[int, list[Delivery]]:
    """Return the unread count and the latest received messages in one query (dashboard widget)."""
    inbox = access.visible_deliveries(scope).filter(folder=Delivery.Box.INBOX)
    unread = inbox.filter(read_at__isnull=True).values("recipient_id").annotate(n=Count("id")).values("n").order_by()
    latest: list[Any] = list(
        inbox.annotate(unread_total=Subquery(unread[:1]))
        .select_related("message", "message__sender")
        .order_by("-sent_at", "-id")[:count]
    )
    # No received message means no unread one either.
    return (int(latest[0].unread_total or 0) if latest else 0), latest


def search(scope: Scope, query: str) -> list[Delivery]:
    """Return the person's own messages (not drafts) whose subject or text has every word."""
    words = fold(query).split()
    if not words:
        return []
    qs = access.visible_deliveries(scope).exclude(folder=Delivery.Box.DRAFTS)
    for word in words[:8]:
        qs = qs.filter(message__search_text__contains=word)
    return list(qs.select_related("message", "message__sender").order_by("-sent_at", "-id")[:SEARCH_LIMIT])


@dataclass
class Thread:
    """A message as the person sees it, with the other messages of its thread they have."""

    delivery: Delivery
    entries: list[Delivery]


def thread(scope: Scope, delivery: Delivery) -> Thread:
    """Return the thread of a message of the person's mailbox (``delivery``: from ``access.get_delivery``)."""
    message = delivery.message
    root = message.thread_root_id or message.pk
    rows = (
        access.visible_deliveries(scope)
        .filter(Q(message_id=root) | Q(message__thread_root_id=root))
        .exclude(folder=Delivery.Box.DRAFTS)
        .select_related("message", "message__sender")
        .prefetch_related(Prefetch("message__attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("sent_at", "id")
    )
    if "documents" in scope.services:  # linked documents: one query more, only where documents are on
        rows = rows.prefetch_related("message__linked_documents")
    entries = list(rows)
    if delivery.folder == Delivery.Box.DRAFTS:
        entries.append(delivery)
    return Thread(delivery, entries)


def recallable(delivery: Delivery) -> bool:
    """Tell whether the sender may still recall the message: sent by them and read by nobody."""
    message = delivery.message
    if delivery.folder == Delivery.Box.DRAFTS or message.sender_id != delivery.recipient_id:
        return False
    if message.recalled_at is not None or message.is_draft:
        return False
    return not message.deliveries.exclude(recipient_id=message.sender_id).filter(read_at__isnull=False).exists()


# --------------------------------------------------------------------------- people


def people_matching(scope: Scope, query: str, *, reply_to_sender_id: int | None = None) -> list[User]:
    """Return at most 20 people the person may write to whose name has every word of ``query``."""
    words = fold(query).split()
    if not words:
        return []
    people = access.writable_people(scope, reply_to_sender_id=reply_to_sender_id)
    for word in words[:4]:
        people = people.filter(search_name__contains=word)
    return list(people.order_by(*BY_NAME)[:20])


def people_named(scope: Scope, ids: list[int], *, reply_to_sender_id: int | None = None) -> list[User]:
    """Return the chosen people (ids from a form) among those the person may write to.

    The ids come from the request: anyone else is left out, so a forged id reveals no name.
    """
    if not ids:
        return []
    people = access.writable_people(scope, reply_to_sender_id=reply_to_sender_id)
    return list(people.filter(pk__in=ids[:CHOSEN_LIMIT]).order_by(*BY_NAME))


# --------------------------------------------------------------------------- lists


def lists_for(scope: Scope) -> list[MailingList]:
    """Return the visible lists with their member count and whether the person is a member."""
    mine = ListMembership.objects.filter(user_id=scope.user_id).values("mailing_list_id")
    return list(
        access.visible_lists(scope)
        .annotate(
            member_count=Count("memberships", distinct=True),
            is_member=Count("pk", filter=Q(pk__in=mine), distinct=True),
        )
        .order_by("name")
    )


@dataclass
class ListDetail:
    mailing_list: MailingList
    is_member: bool
    members: list[User]
    archive: list[Message]
    may_manage: bool


def list_detail(scope: Scope, list_id: int) -> ListDetail:
    """Return a list, its members (for managers) and its archive (for members and managers)."""
    mailing_list = access.get_list(scope, list_id)
    is_member = ListMembership.objects.filter(mailing_list=mailing_list, user_id=scope.user_id).exists()
    may_manage = access.can_manage_list(scope, mailing_list)
    members: list[User] = []
    archive: list[Message] = []
    if may_manage:
        members = list(User.objects.filter(list_memberships__mailing_list=mailing_list).order_by("search_name")[:500])
    if may_manage or is_member:
        archive = list(
            Message.objects.filter(mailing_list=mailing_list, is_draft=False, recalled_at__isnull=True)
            .select_related("sender")
            .order_by("-sent_at", "-id")[:50]
        )
    return ListDetail(mailing_list, is_member, members, archive, may_manage)


def list_archived_message(scope: Scope, list_id: int, message_id: int) -> Message:
    """Return a message of a list's archive for its members and managers, or raise 404."""
    detail = list_detail(scope, list_id)
    if not (detail.is_member or detail.may_manage):
        raise Http404
    return first_or_404(
        Message.objects.select_related("sender").filter(
            pk=message_id, mailing_list=detail.mailing_list, is_draft=False, recalled_at__isnull=True
        )
    )


# --------------------------------------------------------------------------- audit


def audit_page(scope: Scope) -> QuerySet[Message]:
    return access.audited_messages(scope).select_related("sender").order_by("-sent_at", "-id")


def audit_recipients(message: Message) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(message=message, establishment_id=message.establishment_id)
        .exclude(recipient_id=message.sender_id)
        .select_related("recipient")
        .order_by("recipient__search_name")
    )


def reports_for(scope: Scope) -> list[Any]:
    from .models import Report

    if not scope.has(MessagingHabilitation.MODERATE):
        return []
    return list(
        Report.objects.filter(establishment_id=scope.establishment_id)
        .select_related("message", "message__sender", "reporter")
        .order_by("-created_at", "-pk")[:100]
    )


def establishment_policy(scope: Scope) -> Policy:
    """Return the establishment's own switch (unsaved default when never set)."""
    found = Policy.objects.filter(establishment_id=scope.establishment_id).first()
    return found or Policy(establishment_id=scope.establishment_id)


def territories_of(scope: Scope) -> list[Any]:
    """Return the territories the person administers, with their messaging switch."""
    from romsie.establishments.models import Territory

    return list(
        Territory.objects.filter(pk__in=scope.territory_ids).select_related("messaging_policy").order_by("name")
    )
