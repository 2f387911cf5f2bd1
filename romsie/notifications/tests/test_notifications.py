"""Notifications: bulk notify, preferences, quiet hours, digests, SMTP delivery, timeline and badge.

The clock is explicit: the service functions take ``now=``, so quiet hours and backoff are
tested at chosen instants of the site's time zone (Europe/Paris).
"""

from __future__ import annotations

import datetime
import html
import socket
from email import message_from_bytes
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from romsie.core.tests.test_pagination import BAD_CURSORS
from romsie.notifications import mail as notification_mail
from romsie.notifications.kinds import NotificationKind, kinds, quiet_until, register_kind
from romsie.notifications.models import Notification, NotificationPreference, QuietHours
from romsie.notifications.selectors import unread_count
from romsie.notifications.services import notify, preferences_set

User = get_user_model()
PARIS = ZoneInfo("Europe/Paris")
State = Notification.EmailState

register_kind(
    NotificationKind(key="tests.event", label="Test event", text="%(who)s did %(what)s", default_delivery="email")
)
register_kind(
    NotificationKind(key="tests.digest", label="Test digest event", text="%(what)s", default_delivery="digest")
)


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=PARIS)


def with_email(user: User, language: str = "fr") -> User:
    user.email = f"{user.username}@example.org"
    user.language = language
    user.save(update_fields=["email", "language"])
    return user


def event(recipients: list[int], *, now: datetime.datetime, url: str = "/annuaire/", **kwargs: object) -> int:
    return notify("tests.event", recipients, params={"who": "Alice", "what": "something"}, url=url, now=now, **kwargs)  # type: ignore[arg-type]


def form_data(**choices: str) -> dict[str, str]:
    """Return a preferences form with every registered kind at its default, then ``choices``."""
    data = {"kind_" + kind.key.replace(".", "__"): kind.default_delivery for kind in kinds()}
    data.update({"quiet_starts_at": "", "quiet_ends_at": ""})
    data.update(choices)
    return data


def row(user: User) -> Notification:
    return Notification.objects.get(recipient=user)


# -- notify: one query to read, one to write -------------------------------------------------


@pytest.mark.parametrize("count", [10, 1500])
def test_notify_costs_the_same_queries_for_10_and_1500_recipients(world, django_assert_num_queries, count):
    users = User.objects.bulk_create(
        [User(username=f"bulk.{i}", email=f"bulk.{i}@example.org", password="!") for i in range(count)]
    )
    ids = [u.pk for u in users]
    NotificationPreference.objects.create(user=users[0], kind="tests.event", delivery="off")
    QuietHours.objects.create(user=users[1], starts_at=datetime.time(22), ends_at=datetime.time(7))
    # One SELECT of the recipients with their choice and quiet hours, one multi-row INSERT.
    with django_assert_num_queries(2):
        written = event(ids, now=at(2, 23))
    assert written == count - 1
    assert Notification.objects.filter(kind="tests.event").count() == count - 1
    assert Notification.objects.get(recipient=users[1]).email_due_at == at(3, 7)
    assert Notification.objects.filter(email_state=State.DUE).count() == count - 1


def test_the_actor_is_not_notified_and_unknown_kinds_are_refused(world):
    assert event([world.a.teacher.pk, world.a.student.pk], now=at(2, 10), actor_id=world.a.teacher.pk) == 1
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [world.a.student.pk]
    with pytest.raises(ValueError, match="unregistered"):
        notify("tests.nothing", [world.a.student.pk])


# -- Preferences ---------------------------------------------------------------------------


def test_each_delivery_choice_decides_the_row_and_its_email_state(world):
    people = {name: with_email(world.a.people[name]) for name in ("teacher", "student", "parent", "head")}
    for name, delivery in (("teacher", "off"), ("student", "app"), ("parent", "digest")):
        NotificationPreference.objects.create(user=people[name], kind="tests.event", delivery=delivery)
    no_address = world.a.librarian  # no e-mail address: the timeline only
    inactive = with_email(world.a.office)
    inactive.is_active = False
    inactive.save()
    now = at(2, 10)
    assert event([u.pk for u in (*people.values(), no_address, inactive)], now=now) == 5
    assert not Notification.objects.filter(recipient=people["teacher"]).exists()
    assert (row(people["student"]).email_state, row(people["student"]).email_due_at) == (State.NONE, None)
    assert row(people["parent"]).email_state == State.DIGEST
    assert (row(people["head"]).email_state, row(people["head"]).email_due_at) == (State.DUE, now)  # the default
    assert row(no_address).email_state == State.NONE
    assert row(inactive).email_state == State.NONE


def test_preferences_page_lists_every_kind_and_saves_choices(world, client_for):
    client = client_for(world.a.parent)
    response = client.get(reverse("notifications:notification-preferences"))
    content = html.unescape(response.content.decode())
    for kind in kinds():
        assert str(kind.label) in content
    assert "no e-mail address" in content
    data = form_data(kind_tests__event="digest", quiet_starts_at="21:30", quiet_ends_at="06:45")
    response = client.post(reverse("notifications:notification-preferences"), data)
    assert response.status_code == 302
    # Only the choice differing from the kind's default is stored.
    assert list(NotificationPreference.objects.filter(user=world.a.parent).values_list("kind", "delivery")) == [
        ("tests.event", "digest")
    ]
    quiet = QuietHours.objects.get(user=world.a.parent)
    assert (quiet.starts_at, quiet.ends_at) == (datetime.time(21, 30), datetime.time(6, 45))
    page = client.get(reverse("notifications:notification-preferences")).content.decode()
    assert 'value="21:30"' in page
    # Back to the default removes the row; empty quiet hours remove them.
    data.update({"kind_tests__event": "email", "quiet_starts_at": "", "quiet_ends_at": ""})
    client.post(reverse("notifications:notification-preferences"), data)
    assert not NotificationPreference.objects.filter(user=world.a.parent).exists()
    assert not QuietHours.objects.filter(user=world.a.parent).exists()


def test_preferences_refuse_half_quiet_hours_and_change_nothing(world, client_for):
    QuietHours.objects.create(user=world.a.teacher, starts_at=datetime.time(22), ends_at=datetime.time(7))
    client = client_for(world.a.teacher)
    data = form_data(kind_tests__event="off", quiet_starts_at="20:00")
    response = client.post(reverse("notifications:notification-preferences"), data)
    assert response.status_code == 200
    assert "Give both the start and the end" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=world.a.teacher).exists()
    assert QuietHours.objects.get(user=world.a.teacher).starts_at == datetime.time(22)
    data.update({"quiet_ends_at": "20:00"})
    assert "another time" in client.post(reverse("notifications:notification-preferences"), data).content.decode()
    data.update({"kind_tests__event": "sometimes", "quiet_starts_at": "", "quiet_ends_at": ""})
    assert client.post(reverse("notifications:notification-preferences"), data).status_code == 200
    assert not NotificationPreference.objects.filter(user=world.a.teacher).exists()


def test_preferences_page_is_linked_from_the_account_menu_profile_and_timeline(world, client_for):
    client = client_for(world.a.student)
    target = reverse("notifications:notification-preferences")
    for page in ("core:dashboard", "identity:profile", "notifications:notification-list"):
        assert f'href="{target}"' in client.get(reverse(page)).content.decode()


# -- Quiet hours ---------------------------------------------------------------------------


def test_quiet_hours_span_midnight_or_not():
    night = (datetime.time(22), datetime.time(7))
    assert quiet_until(at(2, 21, 59), *night) is None
    assert quiet_until(at(2, 22), *night) == at(3, 7)
    assert quiet_until(at(2, 23), *night) == at(3, 7)
    assert quiet_until(at(3, 3), *night) == at(3, 7)
    assert quiet_until(at(3, 7), *night) is None
    lunch = (datetime.time(12), datetime.time(14))
    assert quiet_until(at(2, 13), *lunch) == at(2, 14)
    assert quiet_until(at(2, 14, 30), *lunch) is None
    assert quiet_until(at(2, 13), None, None) is None


def test_an_event_at_23h_is_emailed_at_7h_and_not_before(world):
    teacher = with_email(world.a.teacher)
    QuietHours.objects.create(user=teacher, starts_at=datetime.time(22), ends_at=datetime.time(7))
    event([teacher.pk], now=at(2, 23))
    assert row(teacher).email_due_at == at(3, 7)
    for moment in (at(2, 23), at(3, 2), at(3, 6, 59)):
        assert notification_mail.send_pending(now=moment).sent == 0
    assert mail.outbox == []
    assert notification_mail.send_pending(now=at(3, 7)).sent == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [teacher.email]
    assert "Alice did something" in mail.outbox[0].body
    assert row(teacher).email_state == State.SENT


def test_an_email_due_before_quiet_hours_but_sent_during_them_waits_for_their_end(world):
    # Quiet hours chosen after the notification, or a retry falling inside them.
    teacher = with_email(world.a.teacher)
    event([teacher.pk], now=at(2, 21))
    QuietHours.objects.create(user=teacher, starts_at=datetime.time(22), ends_at=datetime.time(7))
    report = notification_mail.send_pending(now=at(2, 22, 30))
    assert (report.sent, report.postponed) == (0, 1)
    assert (row(teacher).email_state, row(teacher).email_due_at) == (State.DUE, at(3, 7))
    assert notification_mail.send_pending(now=at(3, 7)).sent == 1


# -- Digest --------------------------------------------------------------------------------


def test_the_daily_digest_gathers_each_persons_notifications_in_one_email(world):
    parent, teacher = with_email(world.a.parent, "en"), with_email(world.a.teacher)
    for what in ("first", "second"):
        notify("tests.digest", [parent.pk, teacher.pk], params={"what": f"{what} thing"}, now=at(2, 9))
    event([parent.pk], now=at(2, 10))  # e-mailed at once, not in the digest
    assert Notification.objects.filter(email_state=State.DIGEST).count() == 4
    report = notification_mail.send_digests(now=at(2, 17))
    assert report.sent == 4
    assert sorted(m.to[0] for m in mail.outbox) == [parent.email, teacher.email]
    to_parent = next(m for m in mail.outbox if m.to == [parent.email])
    assert "first thing" in to_parent.body and "second thing" in to_parent.body
    assert "2 notifications" in to_parent.subject
    assert Notification.objects.filter(email_state=State.DIGEST).count() == 0
    # Idempotent: a second run sends nothing.
    assert notification_mail.send_digests(now=at(2, 17, 5)).sent == 0
    assert len(mail.outbox) == 2
    assert Notification.objects.get(recipient=parent, kind="tests.event").email_state == State.DUE


def test_a_digest_during_quiet_hours_leaves_when_they_end(world):
    parent = with_email(world.a.parent)
    QuietHours.objects.create(user=parent, starts_at=datetime.time(16), ends_at=datetime.time(18))
    notify("tests.digest", [parent.pk], params={"what": "a thing"}, now=at(2, 9))
    report = notification_mail.send_digests(now=at(2, 17))
    assert (report.sent, report.postponed) == (0, 1)
    assert mail.outbox == []
    assert notification_mail.send_pending(now=at(2, 17, 59)).sent == 0
    assert notification_mail.send_pending(now=at(2, 18)).sent == 1
    assert len(mail.outbox) == 1
    assert row(parent).email_state == State.SENT


# -- Delivery over SMTP ----------------------------------------------------------------------


@pytest.mark.smtp
def test_notify_queues_the_email_which_reaches_a_real_smtp_server(
    world, smtp_server, django_capture_on_commit_callbacks
):
    french, english = with_email(world.a.teacher, "fr"), with_email(world.a.parent, "en")
    with django_capture_on_commit_callbacks(execute=True):
        event([french.pk, english.pk], now=datetime.datetime.now(tz=datetime.UTC), url="/annuaire/")
    assert len(smtp_server.messages) == 2  # the task ran once the transaction committed
    received = {envelope.rcpt_tos[0]: message_from_bytes(envelope.content) for envelope in smtp_server.messages}
    to_parent = received[english.email]
    assert to_parent["Content-Language"] == "en"
    assert received[french.email]["Content-Language"] == "fr"
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in to_parent.walk()
        if not part.is_multipart()
    }
    assert "Alice did something" in parts["text/plain"]
    assert 'lang="en"' in parts["text/html"]
    assert "http://127.0.0.1:8000/annuaire/" in parts["text/html"]
    assert Notification.objects.filter(email_state=State.SENT).count() == 2


@pytest.mark.smtp
def test_a_failing_smtp_server_delays_the_email_without_losing_it(world, smtp_server, settings):
    teacher = with_email(world.a.teacher)
    event([teacher.pk], now=at(2, 10))
    working_port = settings.EMAIL_PORT
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]
    report = notification_mail.send_pending(now=at(2, 10))
    assert (report.sent, report.failed) == (0, 1)
    failed = row(teacher)
    assert (failed.email_state, failed.email_attempts, failed.email_due_at) == (State.DUE, 1, at(2, 10, 5))
    assert notification_mail.send_pending(now=at(2, 10, 5)).failed == 1
    assert (row(teacher).email_attempts, row(teacher).email_due_at) == (2, at(2, 10, 15))  # backoff doubles
    settings.EMAIL_PORT = working_port
    assert notification_mail.send_pending(now=at(2, 10, 14)).sent == 0  # not before its time
    assert notification_mail.send_pending(now=at(2, 10, 15)).sent == 1
    assert [envelope.rcpt_tos for envelope in smtp_server.messages] == [[teacher.email]]
    assert row(teacher).email_state == State.SENT


def test_a_run_killed_mid_way_leaves_its_claim_due_again_after_the_lease(world):
    teacher = with_email(world.a.teacher)
    event([teacher.pk], now=at(2, 10))
    claimed = notification_mail._claim(Notification.objects.filter(email_state=State.DUE), at(2, 10), limit=10)
    assert len(claimed) == 1  # ...and the run dies here, before sending
    assert notification_mail.send_pending(now=at(2, 10, 1)).sent == 0  # another run leaves it alone
    assert notification_mail.send_pending(now=at(2, 10, 17)).sent == 1


def test_the_commands_send_what_is_due_and_can_run_again(world):
    teacher, parent = with_email(world.a.teacher), with_email(world.a.parent)
    event([teacher.pk], now=at(2, 10))
    notify("tests.digest", [parent.pk], params={"what": "a thing"}, now=at(2, 10))
    call_command("send_notifications", stdout=(out := _Output()))
    assert "1 sent" in out.text
    call_command("send_notifications", stdout=(out := _Output()))
    assert "0 sent" in out.text
    call_command("send_digests", stdout=(out := _Output()))
    call_command("send_digests", stdout=_Output())
    assert "1 notifications sent" in out.text
    assert sorted(m.to[0] for m in mail.outbox) == [parent.email, teacher.email]


class _Output:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


# -- Timeline, badge, reading ----------------------------------------------------------------


def test_timeline_shows_newest_first_with_unread_marked(world, client_for):
    student = world.a.student
    notify("tests.digest", [student.pk], params={"what": "older"}, now=at(2, 9))
    notify("tests.digest", [student.pk], params={"what": "newer"}, now=at(2, 10))
    Notification.objects.filter(params__what="older").update(read_at=at(2, 11))
    response = client_for(student).get(reverse("notifications:notification-list"))
    texts = [entry["text"] for entry in response.context["entries"]]
    assert texts == ["newer", "older"]
    content = response.content.decode()
    assert content.count('class="is-unread"') == 1 and content.count('class="is-read"') == 1
    assert "Mark all as read" in content
    # Somebody else's notifications never appear.
    assert client_for(world.a.parent).get(reverse("notifications:notification-list")).context["entries"] == []


@pytest.mark.parametrize("rows", [1, 50])
def test_timeline_query_count_does_not_grow(world, client_for, django_assert_num_queries, rows):
    for i in range(rows):
        notify("tests.event", [world.a.teacher.pk], params={"who": "Alice", "what": str(i)}, actor_id=world.a.head.pk)
    client = client_for(world.a.teacher)
    # session, user, scope (roles, territory admin), unread count, the page.
    with django_assert_num_queries(6):
        response = client.get(reverse("notifications:notification-list"))
    assert len(response.context["entries"]) == min(rows, 30)
    # Warm: scope and unread count come from the cache.
    with django_assert_num_queries(3):
        client.get(reverse("notifications:notification-list"))


@pytest.mark.parametrize("step", [datetime.timedelta(minutes=1), datetime.timedelta(0)])
def test_timeline_pages_by_keyset(world, client_for, step):
    # Also when many notifications share the same instant (one bulk notify after another).
    for i in range(35):
        notify("tests.digest", [world.a.teacher.pk], params={"what": f"n{i:02d}"}, now=at(2, 8, 30) + i * step)
    client = client_for(world.a.teacher)
    first = client.get(reverse("notifications:notification-list"))
    assert [e["text"] for e in first.context["entries"]][:2] == ["n34", "n33"]
    second = client.get(reverse("notifications:notification-list"), {"before": first.context["next_cursor"]})
    assert [e["text"] for e in second.context["entries"]] == [f"n{i:02d}" for i in range(4, -1, -1)]
    assert second.context["next_cursor"] == ""
    assert client.get(reverse("notifications:notification-list"), {"before": "garbage"}).status_code == 200


def test_badge_counts_unread_and_follows_notify_and_reads(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.a.teacher)
    assert "Notifications, none unread" in client.get(reverse("core:dashboard")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        for what in ("one", "two", "three"):
            notify("tests.digest", [world.a.teacher.pk], params={"what": what})
    content = client.get(reverse("core:dashboard")).content.decode()
    assert "Notifications, 3 unread" in content
    assert '<span class="notification-count" aria-hidden="true">3</span>' in content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:notification-read-all"))
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=world.a.teacher, read_at__isnull=True).count() == 0
    assert "Notifications, none unread" in client.get(reverse("core:dashboard")).content.decode()


def test_badge_caps_its_count(world):
    for _ in range(3):
        notify("tests.digest", [world.a.teacher.pk], params={"what": "x"})
    Notification.objects.bulk_create(
        [Notification(recipient=world.a.teacher, kind="tests.digest", params={"what": "x"}) for _ in range(120)]
    )
    assert unread_count(world.a.teacher.pk) == 100


def test_the_warm_badge_costs_no_query(world, client_for, django_assert_num_queries):
    notify("tests.digest", [world.a.teacher.pk], params={"what": "x"})
    client = client_for(world.a.teacher)
    with CaptureQueriesContext(connection) as cold:
        client.get(reverse("core:dashboard"))
    assert sum('"notifications_notification"' in q["sql"] for q in cold.captured_queries) == 1
    with CaptureQueriesContext(connection) as warm:
        content = client.get(reverse("core:dashboard")).content.decode()
    assert not any('"notifications_notification"' in q["sql"] for q in warm.captured_queries)
    assert "Notifications, 1 unread" in content


def test_opening_a_notification_marks_it_read_and_follows_its_link(
    world, client_for, django_capture_on_commit_callbacks
):
    event([world.a.teacher.pk], now=at(2, 10), url="/annuaire/classes/")
    notification = row(world.a.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.a.teacher).get(reverse("notifications:notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/annuaire/classes/"
    assert row(world.a.teacher).read_at is not None


def test_somebody_elses_notification_is_not_found_and_stays_unread(world, client_for):
    event([world.a.teacher.pk], now=at(2, 10))
    url = reverse("notifications:notification-open", args=[row(world.a.teacher).pk])
    for user in (world.a.head, world.c.teacher):
        assert client_for(user).get(url).status_code == 404
    assert row(world.a.teacher).read_at is None


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/", "//evil.example/path", "/\\evil.example", "http:/evil.example", "javascript:alert(1)"],
)
def test_opening_never_redirects_to_another_site(world, client_for, url):
    event([world.a.teacher.pk], now=at(2, 10), url=url)
    notification = row(world.a.teacher)
    response = client_for(world.a.teacher).get(reverse("notifications:notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:notification-list")
    assert row(world.a.teacher).read_at is not None


def test_mark_all_read_touches_only_ones_own(world, client_for):
    event([world.a.teacher.pk, world.a.head.pk], now=at(2, 10))
    client_for(world.a.teacher).post(reverse("notifications:notification-read-all"))
    assert row(world.a.teacher).read_at is not None
    assert row(world.a.head).read_at is None


def test_preferences_set_ignores_unknown_kinds_and_values(world):
    preferences_set(
        user_id=world.a.teacher.pk,
        deliveries={"tests.event": "app", "nope.kind": "off", "tests.digest": "loud"},
        quiet_starts_at=None,
        quiet_ends_at=None,
    )
    assert list(NotificationPreference.objects.values_list("kind", "delivery")) == [("tests.event", "app")]


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages and e-mails in English."""


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_an_invalid_timeline_cursor_shows_the_first_page(world, client_for, cursor):
    notify("tests.digest", [world.a.teacher.pk], params={"what": "first"})
    response = client_for(world.a.teacher).get(reverse("notifications:notification-list"), {"before": cursor})
    assert response.status_code == 200
    assert response.context["is_first_page"] and [e["text"] for e in response.context["entries"]] == ["first"]
