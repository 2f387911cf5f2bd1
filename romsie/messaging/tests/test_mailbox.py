"""Reading and organising: keyset pages, unread counts, threads, folders, trash, drafts, recall, search."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.core.testing.world import World
from romsie.core.tests.test_pagination import BAD_CURSORS
from romsie.identity.models import User
from romsie.messaging import selectors, services
from romsie.messaging.models import Delivery, Folder, Message

from .helpers import scope_of, send


def fill_mailbox(world: World, owner: User, count: int) -> None:
    """Put ``count`` messages in a person's inbox with two bulk inserts."""
    est = world.a.establishment
    start = timezone.now() - datetime.timedelta(days=30)
    messages = Message.objects.bulk_create(
        Message(
            establishment=est,
            sender=world.a.teacher,
            subject=f"Message {n}",
            body=f"<p>Texte {n}</p>",
            search_text=f"message {n} texte {n}",
            sent_at=start + datetime.timedelta(minutes=n),
            is_draft=False,
            recipient_count=1,
        )
        for n in range(count)
    )
    Delivery.objects.bulk_create(
        Delivery(establishment=est, message=m, recipient=owner, sent_at=m.sent_at, read_at=None if n % 3 else m.sent_at)
        for n, m in enumerate(messages)
    )


@pytest.mark.parametrize("size", [100, 10_000])
def test_inbox_first_page_costs_the_same_for_100_and_10000_messages(
    mworld: World, client_for: Any, django_assert_num_queries: Any, size: int
) -> None:
    fill_mailbox(mworld, mworld.a.parent, size)
    client = client_for(mworld.a.parent)
    client.get(reverse("messaging:inbox"))  # warm the scope cache, as any later page has it
    selectors.mailboxes_changed([mworld.a.parent.pk])  # as any write to the mailbox does
    with django_assert_num_queries(5):
        response = client.get(reverse("messaging:inbox"))
    assert response.status_code == 200
    page = response.context["page"]
    assert len(page.entries) == selectors.PAGE_SIZE and page.next_cursor
    assert page.entries[0].message.subject == f"Message {size - 1}"
    assert response.context["summary"].inbox_unread == size - len(range(0, size, 3))
    with django_assert_num_queries(2):  # unchanged: the box comes from the cache
        again = client.get(reverse("messaging:inbox"))
    assert f"Message {size - 1}" in again.content.decode()


def test_opening_a_message_shows_at_once_on_the_cached_inbox(mworld: World, client_for: Any) -> None:
    fill_mailbox(mworld, mworld.a.parent, 4)
    client = client_for(mworld.a.parent)
    unread = 4 - len(range(0, 4, 3))
    assert f"{unread} unread" in client.get(reverse("messaging:inbox")).content.decode()
    delivery = Delivery.objects.filter(recipient=mworld.a.parent, read_at__isnull=True).first()
    assert client.get(reverse("messaging:message-detail", args=[delivery.message_id])).status_code == 200
    assert f"{unread - 1} unread" in client.get(reverse("messaging:inbox")).content.decode()


def test_keyset_pages_follow_each_other_without_gap(mworld: World, client_for: Any) -> None:
    fill_mailbox(mworld, mworld.a.parent, 60)
    client = client_for(mworld.a.parent)
    seen: list[str] = []
    url = reverse("messaging:inbox")
    while url:
        response = client.get(url)
        page = response.context["page"]
        seen += [e.message.subject for e in page.entries]
        url = f"{reverse('messaging:inbox')}?after={page.next_cursor}" if page.next_cursor else ""
    assert seen == [f"Message {n}" for n in range(59, -1, -1)]


def test_thread_shows_replies_and_marks_them_read(
    mworld: World, client_for: Any, django_assert_num_queries: Any
) -> None:
    a = mworld.a
    first = send(a.teacher, [f"user:{a.parent.pk}"], subject="Sortie")
    reply = send(a.parent, [f"user:{a.teacher.pk}"], subject="Re: Sortie", parent_id=first.pk)
    assert reply.thread_root_id == first.pk
    client = client_for(a.teacher)
    client.get(reverse("messaging:sent"))
    with django_assert_num_queries(8):  # 7, and the linked documents (documents on)
        response = client.get(reverse("messaging:message-detail", args=[reply.pk]))
    assert [e.message.pk for e in response.context["thread"].entries] == [first.pk, reply.pk]
    assert f"To: {a.teacher.get_full_name()}" in response.content.decode()
    assert Delivery.objects.get(message=reply, recipient=a.teacher).read_at is not None
    assert selectors.unread_count(scope_of(a.teacher)) == 0


def test_a_thread_is_cached_and_shows_a_reply_a_recall_and_an_unread_mark_at_once(
    mworld: World, client_for: Any, django_assert_max_num_queries: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = mworld.a
    first = send(a.teacher, [f"user:{a.parent.pk}"], subject="Sortie au musée")
    client = client_for(a.parent)
    url = reverse("messaging:message-detail", args=[first.pk])
    client.get(url)  # marks it read, which refreshes the mailbox
    client.get(url)  # rendered again once, then kept
    with django_assert_max_num_queries(2):  # the session and the person: the page comes from the cache
        assert "Sortie au musée" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the mailbox version moves once committed
        reply = send(a.teacher, [f"user:{a.parent.pk}"], subject="Précision", body="Départ à 8 h", parent_id=first.pk)
    assert "Départ à 8 h" in client.get(url).content.decode()
    assert Delivery.objects.get(message=reply, recipient=a.parent).read_at is not None
    client.post(reverse("messaging:message-action", args=[reply.pk]), {"action": "unread"})
    client.get(url)
    assert Delivery.objects.get(message=reply, recipient=a.parent).read_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        late = send(a.teacher, [f"user:{a.parent.pk}"], subject="Rappel", body="Pique-nique", parent_id=first.pk)
    sender = client_for(a.teacher)
    late_url = reverse("messaging:message-detail", args=[late.pk])
    assert "Recall this message" in sender.get(late_url).content.decode()  # nobody has read it yet
    assert "Recalled by its sender" not in sender.get(late_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_recall(
            scope=scope_of(a.teacher), delivery=Delivery.objects.get(message=late, recipient=a.teacher)
        )
    assert "Recalled by its sender" in sender.get(late_url).content.decode()
    assert "Pique-nique" not in client.get(url).content.decode()


def test_mark_unread_trash_restore_folder_and_delete(mworld: World, client_for: Any) -> None:
    a = mworld.a
    message = send(a.teacher, [f"user:{a.parent.pk}"])
    client = client_for(a.parent)
    action = reverse("messaging:message-action", args=[message.pk])
    client.get(reverse("messaging:message-detail", args=[message.pk]))
    entry = Delivery.objects.get(message=message, recipient=a.parent)
    assert entry.refresh_from_db() or entry.read_at is not None
    client.post(action, {"action": "unread"})
    entry.refresh_from_db()
    assert entry.read_at is None

    client.post(reverse("messaging:folder-list"), {"name": "Sorties"})
    folder = Folder.objects.get(owner=a.parent)
    client.post(action, {"action": "move", "folder": folder.pk})
    entry.refresh_from_db()
    assert (entry.folder, entry.personal_folder_id) == ("folder", folder.pk)
    assert client.get(reverse("messaging:folder-detail", args=[folder.pk])).context["page"].entries == [entry]

    client.post(action, {"action": "trash"})
    entry.refresh_from_db()
    assert entry.folder == "trash"
    assert client.get(reverse("messaging:inbox")).context["page"].entries == []
    client.post(action, {"action": "restore"})
    entry.refresh_from_db()
    assert entry.folder == "folder"
    client.post(action, {"action": "trash"})
    client.post(action, {"action": "delete"})
    assert not Delivery.objects.filter(pk=entry.pk).exists()
    assert Delivery.objects.filter(message=message, recipient=a.teacher).exists()  # the sender keeps theirs


def test_someone_elses_folder_cannot_be_used(mworld: World, client_for: Any) -> None:
    a = mworld.a
    message = send(a.teacher, [f"user:{a.parent.pk}"])
    theirs = Folder.objects.create(establishment=a.establishment, owner=a.teacher, name="Prof")
    response = client_for(a.parent).post(
        reverse("messaging:message-action", args=[message.pk]), {"action": "move", "folder": theirs.pk}
    )
    assert response.status_code == 404
    assert Delivery.objects.get(message=message, recipient=a.parent).folder == "inbox"


def test_recall_removes_an_unread_message_from_every_mailbox(mworld: World, client_for: Any) -> None:
    a = mworld.a
    message = send(a.teacher, [f"class-guardians:{a.school_class.pk}", f"user:{a.head.pk}"])
    response = client_for(a.teacher).post(reverse("messaging:message-recall", args=[message.pk]))
    assert response.status_code == 302
    assert list(Delivery.objects.filter(message=message).values_list("recipient_id", flat=True)) == [a.teacher.pk]
    message.refresh_from_db()
    assert message.recalled_at is not None


def test_a_message_read_by_someone_cannot_be_recalled(mworld: World, client_for: Any) -> None:
    a = mworld.a
    message = send(a.teacher, [f"user:{a.parent.pk}", f"user:{a.head.pk}"])
    client_for(a.head).get(reverse("messaging:message-detail", args=[message.pk]))
    client_for(a.teacher).post(reverse("messaging:message-recall", args=[message.pk]))
    assert Delivery.objects.filter(message=message).count() == 3
    # Only the sender may recall: a recipient's attempt changes nothing either.
    other = send(a.teacher, [f"user:{a.parent.pk}"])
    client_for(a.parent).post(reverse("messaging:message-recall", args=[other.pk]))
    assert Delivery.objects.filter(message=other).count() == 2


def test_search_finds_only_ones_own_messages(mworld: World, client_for: Any) -> None:
    a = mworld.a
    send(a.teacher, [f"user:{a.parent.pk}"], subject="Sortie au musée", body="Départ à 8 h")
    send(a.teacher, [f"user:{a.parent2.pk}"], subject="Sortie au théâtre", body="Départ à 9 h")
    results = client_for(a.parent).get(reverse("messaging:search"), {"q": "sortie depart"}).context["results"]
    assert [r.message.subject for r in results] == ["Sortie au musée"]
    results = client_for(a.parent).get(reverse("messaging:search"), {"q": "MUSEE"}).context["results"]
    assert len(results) == 1


def test_draft_is_saved_then_sent(mworld: World, client_for: Any) -> None:
    a = mworld.a
    client = client_for(a.teacher)
    data = {"subject": "Brouillon", "body": "À finir", "recipients": [f"user:{a.parent.pk}"], "save_draft": "1"}
    client.post(reverse("messaging:compose"), data)
    draft = Message.objects.get()
    assert draft.is_draft and not Delivery.objects.filter(recipient=a.parent).exists()
    page = client.get(reverse("messaging:compose"), {"draft": draft.pk})
    assert page.context["chosen_people"] == [a.parent]
    data = {"subject": "Prêt", "body": "Fini", "recipients": [f"user:{a.parent.pk}"], "draft": draft.pk}
    client.post(reverse("messaging:compose"), data)
    draft.refresh_from_db()
    assert not draft.is_draft and draft.subject == "Prêt"
    assert Delivery.objects.get(message=draft, recipient=a.teacher).folder == "sent"
    assert Delivery.objects.filter(message=draft, recipient=a.parent, folder="inbox").exists()


def test_reply_all_and_forward_prefill_the_form(mworld: World, client_for: Any) -> None:
    a = mworld.a
    message = send(a.teacher, [f"user:{a.parent.pk}", f"user:{a.head.pk}"], subject="Conseil")
    page = client_for(a.parent).get(reverse("messaging:compose"), {"reply": message.pk, "all": "1"})
    assert {p.pk for p in page.context["chosen_people"]} == {a.teacher.pk, a.head.pk}
    assert page.context["form"].initial["subject"] == "Re: Conseil"
    page = client_for(a.head).get(reverse("messaging:compose"), {"forward": message.pk})
    assert page.context["form"].initial["subject"] == "Fwd: Conseil"


def test_dashboard_widget_shows_unread_count_and_latest(mworld: World, client_for: Any) -> None:
    a = mworld.a
    send(a.teacher, [f"user:{a.parent.pk}"], subject="Cantine")
    page = client_for(a.parent).get(reverse("core:dashboard")).content.decode()
    assert 'id="widget-messages"' in page and "1 unread message" in page and "Cantine" in page


@pytest.mark.parametrize(
    ("url_name", "role", "queries"),
    [
        ("messaging:compose", "teacher", 10),  # + the files one may link from the documents, + address book groups
        ("messaging:compose", "student", 8),
        ("messaging:sent", "teacher", 5),
        ("messaging:search", "parent", 5),
        ("messaging:list-list", "head", 5),
        ("messaging:folder-list", "parent", 4),
    ],
)
def test_page_query_counts(
    mworld: World, client_for: Any, django_assert_num_queries: Any, url_name: str, role: str, queries: int
) -> None:
    a = mworld.a
    send(a.teacher, [f"user:{a.parent.pk}"], subject="Sortie")
    client = client_for(a.people[role])
    client.get(reverse("messaging:inbox"))
    with django_assert_num_queries(queries):
        assert client.get(reverse(url_name), {"q": "sortie"}).status_code == 200


def test_dashboard_widget_is_cached_and_follows_the_mailbox(
    mworld: World, client_for: Any, django_capture_on_commit_callbacks: Any, django_assert_num_queries: Any
) -> None:
    a = mworld.a
    client = client_for(a.parent)
    assert "No unread message." in client.get(reverse("core:dashboard")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        message = send(a.teacher, [f"user:{a.parent.pk}"], subject="Cantine")
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "1 unread message" in page and "Cantine" in page
    with django_assert_num_queries(2):  # session and user: the widget comes from the cache
        client.get(reverse("core:dashboard"))
    client.get(reverse("messaging:message-detail", args=[message.pk]))
    assert "No unread message." in client.get(reverse("core:dashboard")).content.decode()


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_an_invalid_cursor_shows_the_first_page(mworld: World, client_for: Any, cursor: str) -> None:
    fill_mailbox(mworld, mworld.a.parent, 30)
    response = client_for(mworld.a.parent).get(reverse("messaging:inbox"), {"after": cursor})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.is_first and page.entries[0].message.subject == "Message 29"


def test_a_sent_message_and_a_new_folder_show_at_once_on_the_senders_cached_boxes(
    mworld: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    teacher = mworld.a.teacher
    client = client_for(teacher)
    assert "Conseil de classe" not in client.get(reverse("messaging:sent")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the mailbox version moves once committed
        send(teacher, [f"user:{mworld.a.parent.pk}"], subject="Conseil de classe")
    assert "Conseil de classe" in client.get(reverse("messaging:sent")).content.decode()
    client.post(reverse("messaging:folder-list"), {"name": "Sorties"})
    assert "Sorties" in client.get(reverse("messaging:inbox")).content.decode()


def test_the_recall_button_leaves_the_senders_cached_page_once_a_recipient_reads_it(
    mworld: World, client_for: Any
) -> None:
    a = mworld.a
    message = send(a.teacher, [f"user:{a.parent.pk}"], subject="Cantine")
    sender = client_for(a.teacher)
    url = reverse("messaging:message-detail", args=[message.pk])
    sender.get(url)
    assert "Recall this message" in sender.get(url).content.decode()
    client_for(a.parent).get(url)  # read: the sender's mailbox does not change, the button must go
    page = sender.get(url).content.decode()
    assert "Cantine" in page and "Recall this message" not in page
