"""Guardians register their children: consents, places, the waiting list, refusals with nothing saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from romsie.core.errors import ApplicationError
from romsie.core.testing import factories as f
from romsie.core.testing.factories import scope_of
from romsie.identity.models import Role
from romsie.notifications.models import Notification
from romsie.registrations import services
from romsie.registrations.models import Activity, ConsentSignature, Registration

from .builders import activity_in, consent_in, registration_of


def _counts() -> tuple[int, int]:
    return Registration.objects.count(), ConsentSignature.objects.count()


def test_parent_registers_own_child_and_signs_each_consent(reg_world, client_for):
    w = reg_world
    activity = activity_in(w.a)
    images = consent_in(activity, "Image rights", "Photos may be published.")
    alone = consent_in(activity, "Leaving alone", "My child may leave alone.")
    url = reverse("registrations:registration-create", args=[activity.pk])
    client = client_for(w.a.parent)
    page = client.get(url).content.decode()
    assert "Photos may be published." in page

    response = client.post(
        url,
        {"child": w.a.student.pk, f"consent_{images.consent_id}": "given", f"consent_{alone.consent_id}": "refused"},
    )

    registration = Registration.objects.get(activity=activity)
    assert response.status_code == 302
    assert registration.student == w.a.student and registration.status == Registration.Status.REGISTERED
    signatures = {s.consent_version_id: s for s in registration.signatures.all()}
    assert signatures[images.pk].is_given and not signatures[alone.pk].is_given
    assert signatures[images.pk].signed_by == w.a.parent and signatures[images.pk].signed_at is not None


def test_a_consent_for_someone_elses_child_is_refused_and_nothing_saved(reg_world, client_for):
    w = reg_world
    activity = activity_in(w.a)
    version = consent_in(activity)
    before = _counts()

    with pytest.raises(ApplicationError, match="only your own children"):
        services.registration_create(
            scope=scope_of(w.a.parent),
            activity=activity,
            student_id=w.a.student2.pk,
            answers={},
            consents={version.consent_id: True},
        )
    response = client_for(w.a.parent).post(
        reverse("registrations:registration-create", args=[activity.pk]),
        {"child": w.a.student2.pk, f"consent_{version.consent_id}": "given"},
    )

    assert response.status_code == 200
    assert _counts() == before


def test_registering_a_child_twice_is_refused_by_a_clear_error(reg_world):
    w = reg_world
    activity = activity_in(w.a)
    scope = scope_of(w.a.parent)
    services.registration_create(scope=scope, activity=activity, student_id=w.a.student.pk, answers={}, consents={})
    before = _counts()

    with pytest.raises(ApplicationError, match="already registered"):
        services.registration_create(scope=scope, activity=activity, student_id=w.a.student.pk, answers={}, consents={})
    with pytest.raises(IntegrityError), transaction.atomic():
        registration_of(activity, w.a.student, w.a.parent, status=Registration.Status.WAITING)
    assert _counts() == before


def test_every_consent_must_be_given_or_refused(reg_world):
    w = reg_world
    activity = activity_in(w.a)
    consent_in(activity)
    with pytest.raises(ApplicationError, match="Give or refuse each consent"):
        services.registration_create(
            scope=scope_of(w.a.parent), activity=activity, student_id=w.a.student.pk, answers={}, consents={}
        )
    assert not Registration.objects.exists()


def test_a_child_of_another_class_is_not_eligible(reg_world):
    w = reg_world
    activity = activity_in(w.a)
    activity.school_classes.set([w.a.class2])
    with pytest.raises(ApplicationError, match="not open to this child"):
        services.registration_create(
            scope=scope_of(w.a.parent), activity=activity, student_id=w.a.student.pk, answers={}, consents={}
        )
    assert not Registration.objects.exists()


def test_registration_is_refused_after_the_deadline(reg_world):
    w = reg_world
    now = timezone.now()
    activity = activity_in(w.a, opens_at=now - datetime.timedelta(days=5), closes_at=now - datetime.timedelta(days=1))
    with pytest.raises(ApplicationError, match="not open"):
        services.registration_create(
            scope=scope_of(w.a.parent), activity=activity, student_id=w.a.student.pk, answers={}, consents={}
        )


def test_full_activity_waiting_list_and_withdrawal_promotes_and_notifies(reg_world, client_for):
    w = reg_world
    activity = activity_in(w.a, capacity=1)
    other = f.person(w.a.establishment, Role.STUDENT, last_name="Second")
    f.EnrollmentFactory(school_class=w.a.school_class, student=other)
    f.GuardianshipFactory(establishment=w.a.establishment, guardian=w.a.parent, student=other)
    scope = scope_of(w.a.parent)
    first = services.registration_create(
        scope=scope, activity=activity, student_id=w.a.student.pk, answers={}, consents={}
    )
    second = services.registration_create(scope=scope, activity=activity, student_id=other.pk, answers={}, consents={})
    assert (first.status, second.status) == (Registration.Status.REGISTERED, Registration.Status.WAITING)

    response = client_for(w.a.parent).post(reverse("registrations:registration-withdraw", args=[first.pk]))

    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Registration.Status.REGISTERED
    note = Notification.objects.get(kind="registrations.promoted")
    assert note.recipient == w.a.parent and note.params["child"] == other.get_full_name()


def test_questions_must_be_answered_with_an_offered_choice(reg_world):
    w = reg_world
    activity = activity_in(w.a)
    scope = scope_of(w.a.head)
    question = services.question_create(
        scope=scope, activity=activity, label="Size", kind="choice", choices="S\nM\nL", is_required=True
    )
    parent = scope_of(w.a.parent)
    with pytest.raises(ApplicationError, match="Choose one of the answers"):
        services.registration_create(
            scope=parent, activity=activity, student_id=w.a.student.pk, answers={str(question.pk): "XXL"}, consents={}
        )
    registration = services.registration_create(
        scope=parent, activity=activity, student_id=w.a.student.pk, answers={str(question.pk): "M"}, consents={}
    )
    assert registration.answers == {str(question.pk): "M"}


def test_a_new_consent_text_is_a_new_version_and_old_signatures_keep_theirs(reg_world):
    w = reg_world
    activity = activity_in(w.a)
    first = consent_in(activity, text="Old text.")
    registration = services.registration_create(
        scope=scope_of(w.a.parent),
        activity=activity,
        student_id=w.a.student.pk,
        answers={},
        consents={first.consent_id: True},
    )
    new = services.consent_revise(scope=scope_of(w.a.head), consent=first.consent, text="New text.")
    assert new.number == 2
    assert registration.signatures.get().consent_version == first
    assert [v.text for v in services.current_consent_versions(activity)] == ["New text."]


def test_the_draw_at_the_deadline_is_seeded_recorded_and_runs_once(reg_world):
    w = reg_world
    now = timezone.now()
    activity = activity_in(w.a, capacity=2, allocation=Activity.Allocation.DRAW)
    students = [w.a.student]
    for i in range(3):
        child = f.person(w.a.establishment, Role.STUDENT, last_name=f"Draw{i}")
        f.EnrollmentFactory(school_class=w.a.school_class, student=child)
        f.GuardianshipFactory(establishment=w.a.establishment, guardian=w.a.parent, student=child)
        students.append(child)
    scope = scope_of(w.a.parent)
    for child in students:
        assert (
            services.registration_create(
                scope=scope, activity=activity, student_id=child.pk, answers={}, consents={}
            ).status
            == Registration.Status.WAITING
        )
    Activity.objects.filter(pk=activity.pk).update(closes_at=now - datetime.timedelta(minutes=1))

    call_command("registrations_run_draws", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("registrations_run_draws", stdout=open("/dev/null", "w"))  # noqa: SIM115

    activity.refresh_from_db()
    assert activity.drawn_at is not None and activity.draw_seed is not None
    rows = list(Registration.objects.filter(activity=activity).order_by("draw_rank"))
    assert [r.draw_rank for r in rows] == [1, 2, 3, 4]
    assert [r.status for r in rows] == ["registered", "registered", "waiting", "waiting"]
    import random

    replay = sorted(rows, key=lambda r: r.pk)
    random.Random(activity.draw_seed).shuffle(replay)
    assert replay == rows, "anyone may replay the draw from its recorded seed"
    assert Notification.objects.filter(kind="registrations.decided").count() == 4


def test_remind_tells_the_guardians_of_eligible_children_who_have_not_answered(reg_world, client_for):
    w = reg_world
    activity = activity_in(w.a)
    registration_of(activity, w.a.student, w.a.parent)

    response = client_for(w.a.office).post(reverse("registrations:activity-remind", args=[activity.pk]))

    assert response.status_code == 302
    assert list(Notification.objects.filter(kind="registrations.reminder").values_list("recipient", flat=True)) == [
        w.a.parent2.pk
    ]


def test_the_organiser_exports_csv_and_xlsx(reg_world, client_for):
    w = reg_world
    activity = activity_in(w.a)
    registration_of(activity, w.a.student, w.a.parent)
    client = client_for(w.a.after_school)
    url = reverse("registrations:activity-export", args=[activity.pk])

    csv = client.get(url)
    xlsx = client.get(url + "?format=xlsx")

    assert w.a.student.last_name in csv.content.decode("utf-8-sig")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_activity_ending_before_it_starts_is_refused_and_nothing_saved(reg_world, client_for):
    w = reg_world
    now = timezone.localtime()
    response = client_for(w.a.head).post(
        reverse("registrations:activity-create"),
        {
            "kind": "trip",
            "title": "Trip",
            "starts_on": "2027-03-10",
            "ends_on": "2027-03-01",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "allocation": "first_come",
        },
    )
    assert response.status_code == 200
    assert "cannot end before it starts" in response.content.decode()
    assert not Activity.objects.exists()


def test_retention_deletes_old_registrations_with_their_consents(reg_world):
    w = reg_world
    activity = activity_in(w.a)
    version = consent_in(activity)
    services.registration_create(
        scope=scope_of(w.a.parent),
        activity=activity,
        student_id=w.a.student.pk,
        answers={},
        consents={version.consent_id: True},
    )
    assert services.registrations_purge(now=timezone.now()) == 0
    later = timezone.now() + datetime.timedelta(days=400)
    assert services.registrations_purge(now=later) == 2
    assert not ConsentSignature.objects.exists()
