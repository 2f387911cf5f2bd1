"""Governance: kill switches, the students' hourly limit, reports to moderators, the audit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from romsie.core.errors import ApplicationError
from romsie.core.models import AuditEvent
from romsie.core.testing.concurrency import committed_db, run_concurrently, skip_unless_postgresql
from romsie.core.testing.world import World
from romsie.messaging import selectors
from romsie.messaging.models import Delivery, Message, Policy, Report
from romsie.notifications.models import Notification

from .helpers import scope_of, send


def test_suspending_messaging_stops_sending_at_once_but_not_reading(mworld: World, client_for: Any) -> None:
    a = mworld.a
    kept = send(a.teacher, [f"user:{a.parent.pk}"])
    response = client_for(a.head).post(reverse("messaging:policy"), {"mode": "suspended"})
    assert response.status_code == 302
    assert Policy.objects.get(establishment=a.establishment).mode == "suspended"
    with pytest.raises(ApplicationError, match="suspended"):
        send(a.teacher, [f"user:{a.parent.pk}"])
    response = client_for(a.teacher).post(
        reverse("messaging:compose"), {"subject": "x", "body": "y", "recipients": [f"user:{a.parent.pk}"]}
    )
    assert "Messaging is suspended" in response.content.decode()
    assert client_for(a.parent).get(reverse("messaging:message-detail", args=[kept.pk])).status_code == 200
    assert Message.objects.count() == 1
    # Other establishments are not affected.
    send(mworld.c.teacher, [f"user:{mworld.c.parent.pk}"])


def test_staff_only_mode_lets_staff_send_and_stops_families(mworld: World) -> None:
    a = mworld.a
    client_scope = scope_of(a.head)
    from romsie.messaging import services

    services.policy_set(scope=client_scope, establishment_id=a.establishment.pk, mode="staff_only", version=None)
    with pytest.raises(ApplicationError, match="only the staff"):
        send(a.student, [f"user:{a.teacher.pk}"])
    with pytest.raises(ApplicationError, match="only the staff"):
        send(a.parent, [f"user:{a.teacher.pk}"])
    send(a.teacher, [f"user:{a.parent.pk}"])


def test_territory_switch_applies_to_all_its_establishments(mworld: World, client_for: Any) -> None:
    a = mworld.a
    # Prime the cached policy: the switch must still apply at the next request.
    assert selectors.effective_policy(scope_of(a.teacher)).mode == "open"
    response = client_for(mworld.territory_admin).post(
        reverse("messaging:territory-policy"), {"territory": mworld.north.pk, "mode": "suspended"}
    )
    assert response.status_code == 302
    with pytest.raises(ApplicationError):
        send(a.teacher, [f"user:{a.parent.pk}"])
    with pytest.raises(ApplicationError):
        send(mworld.b.teacher, [f"user:{mworld.b.parent.pk}"])
    send(mworld.c.teacher, [f"user:{mworld.c.parent.pk}"])  # another territory
    assert AuditEvent.objects.filter(action="messaging.policy_set").count() == 1


def test_policy_is_cached_for_a_minute_at_most(mworld: World) -> None:
    """A change that bypasses the service (a bulk update) is seen once the cache expires."""
    a = mworld.a
    assert selectors.effective_policy(scope_of(a.teacher)).mode == "open"
    Policy.objects.create(establishment=a.establishment, mode="suspended")
    assert selectors.effective_policy(scope_of(a.teacher)).mode == "open"  # cached
    assert selectors.POLICY_SECONDS <= 60
    cache.clear()  # what the cache's time-out does within a minute
    assert selectors.effective_policy(scope_of(a.teacher)).mode == "suspended"


def test_students_may_reach_a_limited_number_of_recipients_per_hour(mworld: World, settings: Any) -> None:
    a = mworld.a
    settings.ROMSIE_MESSAGING_STUDENT_HOURLY_RECIPIENTS = 3
    send(a.student, [f"user:{a.teacher.pk}", f"user:{a.head.pk}"])
    with pytest.raises(ApplicationError, match="at most 3 recipients per hour"):
        send(a.student, [f"user:{a.school_life.pk}", f"user:{a.librarian.pk}"])
    send(a.student, [f"user:{a.school_life.pk}"])
    assert Message.objects.filter(sender=a.student).count() == 2
    # Staff are not limited.
    send(a.teacher, ["staff:all", f"class:{a.school_class.pk}", f"class:{a.class2.pk}"])


def test_establishment_limit_is_set_on_the_settings_page(mworld: World, client_for: Any) -> None:
    a = mworld.a
    client_for(a.head).post(reverse("messaging:policy"), {"mode": "open", "student_hourly_recipients": "1"})
    send(a.student, [f"user:{a.teacher.pk}"])
    with pytest.raises(ApplicationError, match="at most 1 recipients"):
        send(a.student, [f"user:{a.head.pk}"])


def test_reporting_a_message_alerts_the_moderators(
    mworld: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = mworld.a
    message = send(a.student, [f"user:{a.teacher.pk}"], subject="Menace")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(a.teacher).post(
            reverse("messaging:message-report", args=[message.pk]), {"reason": "Message menaçant"}
        )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.reporter, report.message, report.reason) == (a.teacher, message, "Message menaçant")
    notified = set(Notification.objects.filter(kind="messaging.report").values_list("recipient_id", flat=True))
    assert notified == {a.head.pk, a.school_life.pk}
    page = client_for(a.school_life).get(reverse("messaging:report-list")).content.decode()
    assert "Message menaçant" in page and "Menace" in page
    # Reporting twice is refused; the sender cannot report their own message.
    again = client_for(a.teacher).post(reverse("messaging:message-report", args=[message.pk]), {"reason": "x"})
    assert "already reported" in again.content.decode()
    own = client_for(a.student).post(reverse("messaging:message-report", args=[message.pk]), {"reason": "x"})
    assert "cannot report your own" in own.content.decode()
    assert Report.objects.count() == 1


def test_head_reads_the_audit_and_each_reading_is_recorded(
    mworld: World, client_for: Any, django_assert_num_queries: Any
) -> None:
    a = mworld.a
    message = send(a.teacher, [f"class-guardians:{a.school_class.pk}", f"user:{a.head.pk}"], subject="Sortie")
    client = client_for(a.head)
    client.get(reverse("messaging:inbox"))
    with django_assert_num_queries(5):
        page = client.get(reverse("messaging:audit-list"))
    assert "Sortie" in page.content.decode() and a.teacher.get_full_name() in page.content.decode()
    detail = client.get(reverse("messaging:audit-detail", args=[message.pk])).content.decode()
    assert a.parent.last_name in detail
    assert AuditEvent.objects.filter(action="messaging.audit_viewed", actor_id=a.head.pk).count() == 2
    assert client_for(a.teacher).get(reverse("messaging:audit-list")).status_code == 403
    assert Delivery.objects.filter(message=message).count() == 3


@pytest.mark.parametrize(
    ("territory", "establishment", "expected"), [(10, 30, 10), (10, 5, 5), (None, 30, 30), (20, None, 20)]
)
def test_the_territory_limit_is_a_ceiling(
    mworld: World, territory: int | None, establishment: int | None, expected: int
) -> None:
    a = mworld.a
    Policy.objects.create(territory=mworld.north, student_hourly_recipients=territory)
    Policy.objects.create(establishment=a.establishment, student_hourly_recipients=establishment)
    assert selectors.effective_policy(scope_of(a.student)).student_hourly_recipients == expected


def test_governance_pages_are_reachable_from_the_mailbox_and_the_dashboard(mworld: World, client_for: Any) -> None:
    a = mworld.a
    head_nav = client_for(a.head).get(reverse("messaging:inbox")).content.decode()
    for name in ("messaging:report-list", "messaging:audit-list", "messaging:policy"):
        assert f'href="{reverse(name)}"' in head_nav
    teacher_nav = client_for(a.teacher).get(reverse("messaging:inbox")).content.decode()
    assert reverse("messaging:audit-list") not in teacher_nav and reverse("messaging:policy") not in teacher_nav
    dashboard = client_for(mworld.territory_admin).get(reverse("core:dashboard")).content.decode()
    assert f"{reverse('messaging:territory-policy')}?territory={mworld.north.pk}" in dashboard
    assert (
        reverse("messaging:territory-policy") not in client_for(a.head).get(reverse("core:dashboard")).content.decode()
    )


def test_a_parent_over_their_hourly_limit_is_refused_and_keeps_the_text(mworld: World, client_for: Any) -> None:
    """The territory sets the parents' limit; the refused message keeps what was typed, writes nothing."""
    a = mworld.a
    response = client_for(mworld.territory_admin).post(
        reverse("messaging:territory-policy"),
        {"territory": mworld.north.pk, "mode": "open", "parent_hourly_recipients": "2"},
    )
    assert response.status_code == 302
    assert Policy.objects.get(territory=mworld.north).parent_hourly_recipients == 2
    client = client_for(a.parent)
    compose = reverse("messaging:compose")
    for subject in ("Un", "Deux"):
        sent = client.post(compose, {"subject": subject, "body": "Bonjour", "recipients": [f"user:{a.teacher.pk}"]})
        assert sent.status_code == 302
    before = (Message.objects.count(), Delivery.objects.count())
    typed = {"subject": "Trois", "body": "Ma fille sera absente jeudi", "recipients": [f"user:{a.teacher.pk}"]}
    refused = client.post(compose, typed)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "You may reach at most 2 recipients per hour" in page
    assert "Ma fille sera absente jeudi" in page and 'value="Trois"' in page
    assert f'value="user:{a.teacher.pk}"' in page  # the chosen recipient is kept too
    assert (Message.objects.count(), Delivery.objects.count()) == before
    assert not Message.objects.filter(subject="Trois").exists()
    # Another role keeps its own limit; the same parent in another territory is not limited by it.
    send(a.teacher, [f"user:{a.parent.pk}", f"user:{a.head.pk}", f"user:{a.student.pk}"])
    send(mworld.c.parent, [f"user:{mworld.c.teacher.pk}"], subject="1")
    send(mworld.c.parent, [f"user:{mworld.c.teacher.pk}"], subject="2")
    send(mworld.c.parent, [f"user:{mworld.c.teacher.pk}"], subject="3")


def test_parents_are_limited_by_default(mworld: World) -> None:
    """Without any setting, a parent cannot flood: the default limit applies."""
    a = mworld.a
    limit = selectors.default_hourly_recipients()["parent"]
    for n in range(limit):
        send(a.parent, [f"user:{a.teacher.pk}"], subject=str(n))
    with pytest.raises(ApplicationError, match=f"at most {limit} recipients per hour"):
        send(a.parent, [f"user:{a.teacher.pk}"], subject="flood")
    assert Message.objects.filter(sender=a.parent).count() == limit


@pytest.mark.parametrize(
    ("role", "territory", "establishment", "expected"),
    [("parent", 10, 30, 10), ("teacher", 100, 5, 5), ("staff", None, 30, 30), ("partner", 20, None, 20)],
)
def test_every_roles_territory_limit_is_a_ceiling(
    mworld: World, role: str, territory: int | None, establishment: int | None, expected: int
) -> None:
    a = mworld.a
    Policy.objects.create(territory=mworld.north, **{f"{role}_hourly_recipients": territory})
    Policy.objects.create(establishment=a.establishment, **{f"{role}_hourly_recipients": establishment})
    policy = selectors.effective_policy(scope_of(a.student))
    assert policy.hourly_recipients[role] == expected
    assert policy.hourly_limit([role if role != "staff" else "staff.office"]) == expected


def test_a_person_with_several_roles_has_the_highest_limit(mworld: World) -> None:
    policy = selectors.EffectivePolicy("open", {"student": 5, "parent": 20, "teacher": 200, "staff": 900, "partner": 1})
    assert policy.hourly_limit(["parent", "teacher"]) == 200
    assert policy.hourly_limit(["staff.head"]) == 900
    assert policy.hourly_limit(["student"]) == 5


def test_every_roles_limit_is_set_on_both_settings_pages(mworld: World, client_for: Any) -> None:
    a = mworld.a
    data = {"mode": "open", "student_hourly_recipients": "7", "parent_hourly_recipients": "3"}
    data |= {"teacher_hourly_recipients": "300", "staff_hourly_recipients": "", "partner_hourly_recipients": "0"}
    assert client_for(a.head).post(reverse("messaging:policy"), data).status_code == 302
    saved = Policy.objects.get(establishment=a.establishment)
    assert (saved.student_hourly_recipients, saved.parent_hourly_recipients, saved.teacher_hourly_recipients) == (
        7,
        3,
        300,
    )
    assert (saved.staff_hourly_recipients, saved.partner_hourly_recipients) == (None, 0)
    page = client_for(a.head).get(reverse("messaging:policy")).content.decode()
    assert 'name="parent_hourly_recipients" value="3"' in page and "Parent: 3" in page
    page = client_for(mworld.territory_admin).get(reverse("messaging:territory-policy")).content.decode()
    assert 'name="teacher_hourly_recipients"' in page and "Parent: 20" in page  # the default, shown


@committed_db
def test_simultaneous_sends_cannot_overshoot_the_limit(mworld: World) -> None:
    """Sends of one person fired at once are counted one after the other (PostgreSQL row lock)."""
    skip_unless_postgresql()
    a = mworld.a
    Policy.objects.create(territory=mworld.north, parent_hourly_recipients=3)

    def attempt(n: int) -> str:
        try:
            send(a.parent, [f"user:{a.teacher.pk}"], subject=f"Envoi {n}")
        except ApplicationError as refused:
            return refused.message
        return "sent"

    outcomes = run_concurrently(8, attempt)
    assert outcomes.count("sent") == 3, outcomes
    assert all(o == "sent" or "at most 3 recipients per hour" in str(o) for o in outcomes), outcomes
    assert Message.objects.filter(sender=a.parent).count() == 3
