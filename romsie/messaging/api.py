"""The family API's messages (read-only): a box by keyset pages, unread counts, one thread."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from romsie.core.access.scope import Scope
from romsie.core.api import ERRORS, ApiScope, ObjectId, gate

from . import access, selectors
from .habilitations import MessagingHabilitation
from .models import Delivery

router = Router(tags=["messages"])
SERVICE = "messaging"


def _scope(request: HttpRequest) -> Scope:
    return gate(request, oauth_scope=ApiScope.MESSAGES, habilitation=MessagingHabilitation.USE, service=SERVICE)


class MessageSummaryOut(Schema):
    """One message of a box: who sent it, when, whether the person read it, its thread."""

    id: int
    thread_id: int
    subject: str
    sender: str
    sent_at: datetime.datetime
    is_read: bool
    recipient_count: int
    attachment_count: int


class MailboxOut(Schema):
    messages: list[MessageSummaryOut]
    next_cursor: str


class MessageUnreadOut(Schema):
    """Unread messages per box (``inbox``, ``trash``, ``folder``...) and in the inbox."""

    inbox: int
    by_box: dict[str, int]


class AttachmentOut(Schema):
    name: str
    size_bytes: int


class ThreadMessageOut(Schema):
    id: int
    subject: str
    sender: str
    sent_at: datetime.datetime | None
    is_read: bool
    is_recalled: bool
    body_html: str
    attachments: list[AttachmentOut]


class ThreadOut(Schema):
    id: int
    messages: list[ThreadMessageOut]


class BoxQuery(Schema):
    box: Literal["inbox", "sent", "drafts", "trash"] = "inbox"
    cursor: str = ""


@router.get("/messages", response={200: MailboxOut, **ERRORS}, url_name="message-list", summary="A box")
def message_list(request: HttpRequest, query: Query[BoxQuery]) -> MailboxOut:
    """A box, newest first, 25 a page (``cursor``: the ``next_cursor`` of the page before)."""
    page = selectors.mailbox_page(_scope(request), query.box, cursor=query.cursor[:64])
    return MailboxOut(
        messages=[
            MessageSummaryOut(
                id=d.message_id,
                thread_id=d.message.thread_root_id or d.message_id,
                subject=d.message.subject,
                sender=d.message.sender.get_full_name(),
                sent_at=d.sent_at,
                is_read=d.read_at is not None,
                recipient_count=d.message.recipient_count,
                attachment_count=d.message.attachment_count,
            )
            for d in page.entries
        ],
        next_cursor=page.next_cursor,
    )


@router.get("/messages/unread", response={200: MessageUnreadOut, **ERRORS}, url_name="message-unread", summary="Unread")
def message_unread(request: HttpRequest) -> MessageUnreadOut:
    summary = selectors.mailbox_summary(_scope(request))
    return MessageUnreadOut(inbox=summary.inbox_unread, by_box={str(k): v for k, v in summary.unread.items()})


@router.get(
    "/messages/{message_id}/thread", response={200: ThreadOut, **ERRORS}, url_name="message-thread", summary="A thread"
)
def message_thread(request: HttpRequest, message_id: ObjectId) -> ThreadOut:
    """The thread of one of the person's messages, oldest first (reading it here marks nothing read)."""
    scope = _scope(request)
    thread = selectors.thread(scope, access.get_delivery(scope, message_id))
    entries: list[Delivery] = thread.entries
    return ThreadOut(
        id=thread.delivery.message.thread_root_id or thread.delivery.message_id,
        messages=[
            ThreadMessageOut(
                id=e.message_id,
                subject=e.message.subject,
                sender=e.message.sender.get_full_name(),
                sent_at=e.message.sent_at,
                is_read=e.read_at is not None,
                is_recalled=e.message.recalled_at is not None,
                body_html=e.message.body,
                attachments=[AttachmentOut(name=a.name, size_bytes=a.size_bytes) for a in e.message.attachments.all()],
            )
            for e in entries
        ],
    )
