"""Writes of the messaging: send (one insert for every recipient), organise, recall, report, govern."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, Field, IntegerField, Q, QuerySet, Sum, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.catalogue import effective_habilitations
from romsie.core.access.scope import Scope
from romsie.core.concurrency import StaleEdit, claim_version
from romsie.core.errors import ApplicationError
from romsie.core.ids import parse_id
from romsie.core.richtext import clean_rich_text
from romsie.core.services import audit_record
from romsie.core.tasks import enqueue_on_commit
from romsie.core.uploads import atomic_with_files, check_upload, store_upload
from romsie.documents import sharing as document_sharing
from romsie.establishments.habilitations import EVERYONE
from romsie.establishments.models import Establishment, Territory
from romsie.identity.models import RoleAssignment, User
from romsie.notifications.services import notify

from . import access, selectors, tasks
from .habilitations import MessagingHabilitation as H
from .models import Attachment, Delivery, Folder, ListMembership, MailingList, Message, Policy, Report
from .selectors import mailboxes_changed
from .text import search_text

MAX_INDIVIDUALS = 200


@dataclass
class Recipients:
    """What a sender chose, checked: individuals, groups, and how they read."""

    user_ids: list[int]
    groups: list[str]
    labels: list[list[str]]  # [kind, name]: translated when shown (see ``access.group_label``)
    tokens: list[str]


def recipients_check(scope: Scope, tokens: Sequence[str], *, reply_to_sender_id: int | None = None) -> Recipients:
    """Check that the person may write to each chosen person and group, or raise ``ApplicationError``."""
    user_ids: list[int] = []
    groups: list[str] = []
    for token in dict.fromkeys(t.strip() for t in tokens if t.strip()):
        kind, _sep, raw = token.partition(":")
        if kind == "user" and (user_id := parse_id(raw)) is not None:
            user_ids.append(user_id)
        else:
            groups.append(token)
    if len(user_ids) > MAX_INDIVIDUALS:
        raise ApplicationError(
            _("Choose at most %(max)d people one by one; write to a group instead.") % {"max": MAX_INDIVIDUALS}
        )
    labels: list[list[str]] = []
    if user_ids:
        allowed = {
            u.pk: u
            for u in access.writable_people(scope, reply_to_sender_id=reply_to_sender_id).filter(pk__in=user_ids)
        }
        if set(user_ids) - set(allowed):
            raise ApplicationError(_("You may not write to some of the people chosen; remove them and send again."))
        labels += [["user", allowed[pk].get_full_name()] for pk in user_ids]
    if groups:
        choices = {choice.token: choice for choice in access.writable_groups(scope)}
        refused = [g for g in groups if g not in choices]
        if refused:
            raise ApplicationError(_("You may not write to some of the groups chosen; remove them and send again."))
        labels += [[choices[g].kind, choices[g].name] for g in groups]
    return Recipients(user_ids, groups, labels, [f"user:{pk}" for pk in user_ids] + groups)


def audience(scope: Scope, recipients: Recipients) -> QuerySet[User]:
    """Return everybody a message reaches, groups resolved now, active members only, sender excluded."""
    est = scope.establishment_id
    assert est is not None
    reach = Q(pk__in=recipients.user_ids)
    for token in recipients.groups:
        if token.startswith("contacts:"):
            # A group of the address book: only its members the person may write to.
            reach |= Q(pk__in=access.contact_group_people(scope, token).values("pk"))
        else:
            reach |= Q(pk__in=access.group_members(est, token).values("pk"))
    return (
        User.objects.filter(reach, is_active=True, pk__in=access.members(est).values("user_id"))
        .exclude(pk=scope.user_id)
        .order_by()
    )


def _deliver(message: Message, people: QuerySet[User], at: datetime.datetime) -> None:
    """Write one inbox entry per person with a single ``INSERT ... SELECT`` (constant queries)."""
    rows = people.annotate(
        m_establishment=Value(message.establishment_id, output_field=IntegerField()),
        m_message=Value(message.pk, output_field=IntegerField()),
        m_folder=Value(Delivery.Box.INBOX.value),
        m_previous=Value(""),
        m_sent_at=Value(at, output_field=DateTimeField()),
    ).values_list("m_establishment", "m_message", "pk", "m_folder", "m_previous", "m_sent_at")
    select_sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(Delivery._meta.db_table)
    names = ("establishment", "message", "recipient", "folder", "previous_folder", "sent_at")
    fields = [Delivery._meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields if isinstance(f, Field) and f.column)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select_sql}", params)


def hourly_recipients(scope: Scope) -> int:
    """Return how many recipients the person reached in the last hour."""
    since = timezone.now() - datetime.timedelta(hours=1)
    total = Message.objects.filter(sender_id=scope.user_id, sent_at__gte=since, is_draft=False).aggregate(
        n=Sum("recipient_count")
    )["n"]
    return int(total or 0)


def _sender_lock(scope: Scope) -> None:
    """Lock the sender's row until the end of the transaction (PostgreSQL; SQLite writes one at a time).

    Sends of one person fired at once then count the hour's recipients one after the other,
    each after the previous one committed, so together they cannot overshoot the limit. The
    count must be a later statement: a statement sees the data as it was when it started.
    """
    list(User.objects.select_for_update().filter(pk=scope.user_id).values_list("pk", flat=True))


def _reply_target(scope: Scope, parent_id: int | None) -> Message | None:
    if parent_id is None:
        return None
    answered = access.visible_deliveries(scope).select_related("message").filter(message_id=parent_id).first()
    if answered is None:
        raise ApplicationError(_("The message you answer is no longer in your mailbox."))
    return answered.message


@atomic_with_files()
def message_save(
    *,
    scope: Scope,
    subject: str,
    body: str,
    tokens: Sequence[str],
    send: bool,
    files: Sequence[UploadedFile] = (),
    draft: Message | None = None,
    parent_id: int | None = None,
    forward_id: int | None = None,
    notify_later: bool = True,
    documents: Sequence[int] = (),
) -> Message:
    """Send a message (or save it as a draft): check, write the message, deliver, notify later.

    ``notify_later=False`` leaves the notifications to the caller (the demo data writes them
    at once rather than in a background task).
    """
    est = scope.establishment_id
    assert est is not None and scope.user_id is not None
    policy = selectors.effective_policy(scope)
    if send:
        refusal = selectors.sending_refusal(scope, policy)
        if refusal:
            raise ApplicationError(refusal)
    parent = _reply_target(scope, parent_id)
    reply_to_sender = parent.sender_id if parent is not None else None
    recipients = recipients_check(scope, tokens, reply_to_sender_id=reply_to_sender)
    try:
        content_types = [check_upload(f) for f in files]
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages)) from error
    linked = document_sharing.links_check(scope=scope, node_ids=documents)
    if send and not recipients.tokens:
        raise ApplicationError(_("Choose at least one recipient."))
    now = timezone.now()
    people = audience(scope, recipients)
    count = 0
    if send:
        count = people.count()
        if count == 0:
            raise ApplicationError(_("Nobody is in the chosen groups: the message would reach no one."))
        # Every role has its limit, set by the territory (a ceiling) and the establishment.
        limit = policy.hourly_limit(scope.profiles)
        _sender_lock(scope)
        if hourly_recipients(scope) + count > limit:
            raise ApplicationError(
                _("You may reach at most %(limit)d recipients per hour; try again later.") % {"limit": limit}
            )
    body_html = clean_rich_text(body)
    message = draft or Message(establishment_id=est, sender_id=scope.user_id)
    message.subject = subject.strip()
    message.body = body_html
    message.search_text = search_text(message.subject, body_html)
    message.recipient_tokens = recipients.tokens
    message.recipient_labels = recipients.labels
    message.recipient_count = count
    message.is_draft = not send
    message.sent_at = now if send else None
    if parent is not None:
        message.parent = parent
        message.thread_root_id = parent.thread_root_id or parent.pk
    lists = [int(g.partition(":")[2]) for g in recipients.groups if g.startswith("list:")]
    message.mailing_list_id = lists[0] if len(lists) == 1 else None
    forwarded: list[Attachment] = []
    if forward_id is not None:
        original = access.visible_deliveries(scope).select_related("message").filter(message_id=forward_id).first()
        if original is None:
            raise ApplicationError(_("The message you forward is no longer in your mailbox."))
        forwarded = list(original.message.attachments.all())
    message.attachment_count = (message.attachment_count if draft else 0) + len(files) + len(forwarded)
    message.save()
    for upload, content_type in zip(files, content_types, strict=True):
        attachment = Attachment(
            establishment_id=est,
            message=message,
            name=(upload.name or "file")[-150:],
            content_type=content_type,
            size_bytes=upload.size or 0,
        )
        # Written now; removed again if the write or the transaction fails (disk full).
        store_upload(attachment, upload)
        attachment.save()
    if forwarded:
        Attachment.objects.bulk_create(
            Attachment(
                establishment_id=est,
                message=message,
                file=a.file.name,
                name=a.name,
                content_type=a.content_type,
                size_bytes=a.size_bytes,
            )
            for a in forwarded
        )
    box = Delivery.Box.SENT if send else Delivery.Box.DRAFTS
    if draft is not None:
        Delivery.objects.filter(message=message, recipient_id=scope.user_id).update(
            folder=box, sent_at=now, read_at=now
        )
    else:
        Delivery.objects.create(
            establishment_id=est, message=message, recipient_id=scope.user_id, folder=box, sent_at=now, read_at=now
        )
    if linked or draft is not None:
        message.linked_documents.set(linked)
    if send:
        _deliver(message, people, now)
        # Linked documents: the recipients get a read share, checked when they open one.
        document_sharing.links_grant(
            establishment_id=scope.establishment_id,
            granted_by_id=scope.user_id,
            nodes=linked,
            user_ids=people.values_list("pk", flat=True),
        )
        if notify_later:
            enqueue_on_commit(tasks.message_notify, message.pk)
    own = scope.user_id
    transaction.on_commit(lambda: mailboxes_changed([own] if own else []))  # one's sent box or drafts
    return message


def delivery_mark(*, scope: Scope, delivery: Delivery, read: bool) -> None:
    """Mark a message read or unread in the person's mailbox."""
    delivery.read_at = timezone.now() if read else None
    delivery.save(update_fields=["read_at"])
    mailboxes_changed([delivery.recipient_id])


def delivery_move(*, scope: Scope, delivery: Delivery, to: str, folder: Folder | None = None) -> None:
    """Move a message to the trash, back out of it, or into one of the person's folders."""
    if to == Delivery.Box.TRASH:
        if delivery.folder != Delivery.Box.TRASH:
            delivery.previous_folder = delivery.folder
            delivery.folder = Delivery.Box.TRASH
    elif to == "restore":
        delivery.folder = delivery.previous_folder or Delivery.Box.INBOX
        if delivery.folder == Delivery.Box.FOLDER and delivery.personal_folder_id is None:
            delivery.folder = Delivery.Box.INBOX
        delivery.previous_folder = ""
    elif to == Delivery.Box.FOLDER and folder is not None:
        delivery.folder, delivery.personal_folder = Delivery.Box.FOLDER, folder
    elif to == Delivery.Box.INBOX:
        own = delivery.message.sender_id == delivery.recipient_id
        delivery.folder = Delivery.Box.SENT if own else Delivery.Box.INBOX
        delivery.personal_folder = None
    delivery.save(update_fields=["folder", "previous_folder", "personal_folder"])
    mailboxes_changed([delivery.recipient_id])


def delivery_delete(*, scope: Scope, delivery: Delivery) -> None:
    """Delete a message for good from the person's trash (drafts: the draft itself)."""
    if delivery.folder == Delivery.Box.DRAFTS:
        delivery.message.delete()
    elif delivery.folder == Delivery.Box.TRASH:
        delivery.delete()
    mailboxes_changed([delivery.recipient_id])


@transaction.atomic
def message_recall(*, scope: Scope, delivery: Delivery) -> int:
    """Take back a message nobody has read yet; return how many mailboxes it left."""
    if not selectors.recallable(delivery):
        raise ApplicationError(_("This message can no longer be recalled: someone has read it."))
    message = delivery.message
    others = Delivery.objects.filter(message=message).exclude(recipient_id=message.sender_id)
    recipient_ids = list(others.values_list("recipient_id", flat=True))
    removed, _detail = others.delete()
    transaction.on_commit(lambda: mailboxes_changed([*recipient_ids, message.sender_id]))
    message.recalled_at = timezone.now()
    message.save(update_fields=["recalled_at"])
    audit_record(scope=scope, action="messaging.recall", target=message, recipients=removed)
    return removed


def folder_create(*, scope: Scope, name: str) -> Folder:
    name = name.strip()[:60]
    if not name:
        raise ApplicationError(_("Give the folder a name."))
    if selectors.folders_of(scope).filter(name=name).exists():
        raise ApplicationError(_("You already have a folder with this name."))
    folder = Folder.objects.create(establishment_id=scope.establishment_id, owner_id=scope.user_id, name=name)
    mailboxes_changed([folder.owner_id])  # the mailbox's cached menu lists the folders
    return folder


@transaction.atomic
def folder_delete(*, scope: Scope, folder: Folder) -> None:
    """Delete a folder; its messages go back to the inbox."""
    Delivery.objects.filter(personal_folder=folder, folder=Delivery.Box.FOLDER).update(
        folder=Delivery.Box.INBOX, personal_folder=None
    )
    folder.delete()
    owner = folder.owner_id
    transaction.on_commit(lambda: mailboxes_changed([owner]))


# --------------------------------------------------------------------------- lists


@transaction.atomic
def list_save(
    *,
    scope: Scope,
    mailing_list: MailingList | None,
    name: str,
    description: str,
    is_open: bool,
    members_may_post: bool,
    member_tokens: Sequence[str] = (),
    version: int | None = None,
) -> MailingList:
    """Create or change a list; add the chosen people and groups' members (resolved now).

    A change is refused (``StaleEdit``) unless ``version`` is still the list's version.
    """
    est = scope.establishment_id
    if mailing_list is not None:
        claim_version(mailing_list, version)
    mailing_list = mailing_list or MailingList(establishment_id=est, created_by_id=scope.user_id)
    mailing_list.name, mailing_list.description = name.strip(), description.strip()
    mailing_list.is_open, mailing_list.members_may_post = is_open, members_may_post
    mailing_list.save()
    if member_tokens:
        recipients = recipients_check(scope, member_tokens)
        people = audience(scope, recipients).exclude(list_memberships__mailing_list=mailing_list)
        ListMembership.objects.bulk_create(
            ListMembership(establishment_id=est, mailing_list=mailing_list, user_id=pk)
            for pk in people.values_list("pk", flat=True)
        )
    audit_record(scope=scope, action="messaging.list_saved", target=mailing_list)
    return mailing_list


def list_member_remove(*, scope: Scope, mailing_list: MailingList, user_id: int) -> None:
    ListMembership.objects.filter(mailing_list=mailing_list, user_id=user_id).delete()


def list_subscribe(*, scope: Scope, mailing_list: MailingList, subscribe: bool) -> None:
    """Subscribe to an open list, or leave any list one is on."""
    if subscribe:
        if not mailing_list.is_open:
            raise ApplicationError(_("This list is not open to subscription."))
        ListMembership.objects.get_or_create(
            mailing_list=mailing_list, user_id=scope.user_id, defaults={"establishment_id": scope.establishment_id}
        )
    else:
        ListMembership.objects.filter(mailing_list=mailing_list, user_id=scope.user_id).delete()


# --------------------------------------------------------------------------- governance


@transaction.atomic
def policy_set(
    *,
    scope: Scope,
    mode: str,
    hourly_recipients: Mapping[str, int | None] | None = None,
    establishment_id: int | None = None,
    territory: Territory | None = None,
    version: int | None,
) -> Policy:
    """Set the switch and the limits by role of an establishment or a territory (next request).

    ``hourly_recipients`` maps roles (``Policy.LIMITED_ROLES``) to a limit, or to None for the
    default; a role left out keeps no limit of its own. ``version`` is the one the form showed
    (``None`` when no policy was saved yet): if someone saved the policy in between, or created
    it meanwhile, the save is refused (``StaleEdit``) rather than silently overwriting theirs.
    """
    limits = hourly_recipients or {}
    owner: dict[str, Any] = (
        {"territory": territory} if territory is not None else {"establishment_id": establishment_id}
    )
    policy = Policy.objects.filter(**owner).first()
    if policy is not None:
        claim_version(policy, version)
    else:
        policy = Policy(**owner)
    policy.mode = mode
    for role in Policy.LIMITED_ROLES:
        setattr(policy, f"{role}_hourly_recipients", limits.get(role))
    if policy.pk is not None:
        policy.save()
    else:
        try:
            with transaction.atomic():  # a savepoint: the other's policy can still be read after
                policy.save()
        except IntegrityError as created_meanwhile:
            raise StaleEdit(Policy.objects.filter(**owner).first()) from created_meanwhile
    if territory is not None:
        versions.bump(versions.Kind.MESSAGING_POLICY_TERRITORY, territory.pk)
    else:
        versions.bump(versions.Kind.MESSAGING_POLICY_ESTABLISHMENT, establishment_id)
    audit_record(scope=scope, action="messaging.policy_set", target=policy, mode=mode, limits=dict(limits))
    return policy


def moderator_ids(establishment: Establishment) -> list[int]:
    """Return who holds ``messaging.moderate`` in an establishment (its adjustments included)."""
    ceiling = establishment.territory.habilitation_ceiling or None
    overrides = establishment.habilitation_overrides or {}
    profiles = [p for p in EVERYONE if H.MODERATE in effective_habilitations([p], overrides, ceiling)]
    wanted = Q(pk__in=[])
    for profile in profiles:
        role, _sep, function = profile.partition(".")
        wanted |= Q(role=role, function=function)
    return list(
        RoleAssignment.objects.filter(wanted, establishment=establishment, is_active=True).values_list(
            "user_id", flat=True
        )
    )


@transaction.atomic
def message_report(*, scope: Scope, delivery: Delivery, reason: str) -> Report:
    """Report a received message to the establishment's moderators."""
    message = delivery.message
    if message.sender_id == scope.user_id:
        raise ApplicationError(_("You cannot report your own message."))
    report, created = Report.objects.get_or_create(
        message=message,
        reporter_id=scope.user_id,
        defaults={"establishment_id": scope.establishment_id, "reason": reason.strip()},
    )
    if not created:
        raise ApplicationError(_("You have already reported this message."))
    establishment = Establishment.objects.select_related("territory").get(pk=scope.establishment_id)
    moderators = moderator_ids(establishment)
    transaction.on_commit(
        lambda: notify(
            "messaging.report",
            moderators,
            params={"subject": message.subject},
            url=reverse("messaging:report-list"),
            establishment_id=scope.establishment_id,
            actor_id=scope.user_id,
        )
    )
    audit_record(scope=scope, action="messaging.report", target=message, sender=message.sender_id)
    return report


def deliveries_mark_read(*, scope: Scope, delivery_ids: list[int]) -> None:
    """Mark entries of the person's mailbox read (opening a thread), in one update."""
    marked = Delivery.objects.filter(pk__in=delivery_ids, recipient_id=scope.user_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked and scope.user_id:  # a thread read again changes nothing: the cached mailbox stays
        mailboxes_changed([scope.user_id])
