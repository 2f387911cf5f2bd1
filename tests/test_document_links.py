"""Messages, the homework log and news link a document instead of copying it.

The link stores the node; sending the message, publishing the entry or the item gives the
readers a read share of it, so opening the link goes through the documents' gate.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.core.errors import ApplicationError
from romsie.core.testing.factories import scope_of, session_on
from romsie.documents import access
from romsie.documents.models import Share
from romsie.documents.tests.matrix import enable as enable_documents
from romsie.documents.tests.sharing_builders import upload
from romsie.homework import services as homework_services
from romsie.homework.tests.builders import enable as enable_homework
from romsie.homework.tests.builders import entry_for
from romsie.messaging import services as messaging_services
from romsie.messaging.models import Message
from romsie.messaging.tests.helpers import enable_messaging
from romsie.news import services as news_services
from romsie.news.models import NewsItem


@pytest.fixture(autouse=True)
def _on(world, english):
    enable_documents(world.a, world.b, world.c)
    enable_messaging(world)


def test_a_message_links_a_document_and_its_recipients_may_open_it(world, client_for):
    teacher = world.a.teacher
    file = upload(teacher, "sortie.pdf")
    client = client_for(teacher)
    form = client.get(reverse("messaging:compose")).content.decode()
    assert "Link from my documents" in form and "sortie.pdf" in form
    answer = client.post(
        reverse("messaging:compose"),
        {
            "subject": "Sortie",
            "body": "Voir le document",
            "recipients": [f"user:{world.a.parent.pk}"],
            "documents": [file.pk],
        },
    )
    assert answer.status_code == 302
    message = Message.objects.get(subject="Sortie")
    assert list(message.linked_documents.all()) == [file]
    assert access.get_node(scope_of(world.a.parent), file.pk).right == 1
    assert access.find_node(scope_of(world.a.parent2), file.pk) is None
    page = client_for(world.a.parent).get(reverse("messaging:message-detail", args=[message.pk])).content.decode()
    assert reverse("documents:node-open", args=[file.pk]) in page


def test_a_draft_keeps_its_links_but_shares_nothing_and_a_foreign_document_is_refused(world):
    teacher = world.a.teacher
    file = upload(teacher)
    draft = messaging_services.message_save(
        scope=scope_of(teacher),
        subject="x",
        body="y",
        tokens=[f"user:{world.a.parent.pk}"],
        send=False,
        documents=[file.pk],
    )
    assert list(draft.linked_documents.all()) == [file] and not Share.objects.filter(node=file).exists()
    theirs = upload(world.a.head, "head.pdf")
    with pytest.raises(ApplicationError):
        messaging_services.message_save(
            scope=scope_of(teacher),
            subject="x",
            body="y",
            tokens=[f"user:{world.a.parent.pk}"],
            send=True,
            documents=[theirs.pk],
        )
    assert not Share.objects.filter(node=theirs).exists()


def test_a_published_log_entry_shares_its_linked_documents_with_the_class(world, client_for):
    enable_homework(world.a)
    enable_documents(world.a)
    teacher = world.a.teacher
    file = upload(teacher, "cours.pdf")
    session = session_on(world.a.teaching, timezone.localdate() - datetime.timedelta(days=1))
    entry = entry_for(session)
    data = homework_services.EntryData(title="Cours", content="<p>x</p>", publish=True, documents=(file.pk,))
    homework_services.entry_save(scope=scope_of(teacher), data=data, entry=entry, version=entry.version)
    share = Share.objects.get(node=file)
    assert (share.kind, share.school_class_id) == ("class_all", world.a.school_class.pk)
    for reader in (world.a.student, world.a.parent):
        assert access.find_node(scope_of(reader), file.pk) is not None
    answer = client_for(world.a.student).get(reverse("homework:entry-detail", args=[entry.pk]))
    page = answer.content.decode()
    assert "cours.pdf" in page and reverse("documents:node-open", args=[file.pk]) in page


def test_a_published_news_item_shares_its_linked_documents_with_its_readers(world, client_for):
    from romsie.news.tests.helpers import enable_news

    enable_news(world)
    head = world.a.head
    file = upload(head, "reglement.pdf")
    data = news_services.NewsData(
        title="Règlement",
        body="<p>Voir</p>",
        published_at=timezone.now(),
        for_parents=True,
        documents=[file.pk],
    )
    item = news_services.news_item_save(scope=scope_of(head), data=data)
    assert access.find_node(scope_of(world.a.parent), file.pk) is not None
    assert access.find_node(scope_of(world.a.student), file.pk) is None  # not a reader
    page = client_for(world.a.parent).get(reverse("news:item-detail", args=[item.pk])).content.decode()
    assert "reglement.pdf" in page
    assert NewsItem.objects.get(pk=item.pk).linked_documents.count() == 1


def test_a_scheduled_log_entry_shares_its_documents_only_when_it_comes_out(world):
    enable_homework(world.a)
    enable_documents(world.a)
    teacher = world.a.teacher
    file = upload(teacher, "corrige.pdf")
    session = session_on(world.a.teaching, timezone.localdate() - datetime.timedelta(days=1))
    entry = entry_for(session)
    later = timezone.now() + datetime.timedelta(hours=2)
    data = homework_services.EntryData(
        title="Corrigé", content="<p>x</p>", publish=True, publish_at=later, documents=(file.pk,)
    )
    homework_services.entry_save(scope=scope_of(teacher), data=data, entry=entry, version=entry.version)
    assert access.find_node(scope_of(world.a.student), file.pk) is None, "not before the entry comes out"

    assert homework_services.scheduled_entries_notify(now=later + datetime.timedelta(minutes=1)) == 1
    share = Share.objects.get(node=file)
    assert (share.kind, share.granted_by_id) == ("class_all", teacher.pk)
    assert access.find_node(scope_of(world.a.student), file.pk) is not None


def test_a_scheduled_news_item_shares_its_documents_only_when_it_comes_out(world):
    from romsie.news.tests.helpers import enable_news

    enable_news(world)
    head = world.a.head
    file = upload(head, "calendrier.pdf")
    later = timezone.now() + datetime.timedelta(days=1)
    data = news_services.NewsData(
        title="Calendrier", body="<p>Voir</p>", published_at=later, for_parents=True, documents=[file.pk]
    )
    item = news_services.news_item_save(scope=scope_of(head), data=data)
    assert access.find_node(scope_of(world.a.parent), file.pk) is None, "not before the item comes out"

    NewsItem.objects.filter(pk=item.pk).update(published_at=timezone.now() - datetime.timedelta(minutes=1))
    assert news_services.news_notify_due() >= 1
    assert access.find_node(scope_of(world.a.parent), file.pk) is not None
