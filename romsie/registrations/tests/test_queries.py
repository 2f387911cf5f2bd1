"""The organiser's registration list costs a fixed number of queries, whatever the number of registrations."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.core.testing import factories as f
from romsie.identity.models import Role
from romsie.registrations.models import ConsentSignature, DocumentItem, DocumentUpload, Question, Registration

from .builders import activity_in, consent_in


@pytest.mark.parametrize("rows", [1, 50])
def test_registration_list_query_count_does_not_grow(reg_world, client_for, django_assert_num_queries, rows):
    w = reg_world
    activity = activity_in(w.a, capacity=None)
    Question.objects.create(establishment=w.a.establishment, activity=activity, label="Allergies?")
    item = DocumentItem.objects.create(establishment=w.a.establishment, activity=activity, name="Insurance")
    versions = [consent_in(activity, "Image rights"), consent_in(activity, "Leaving alone")]
    students = [f.person(w.a.establishment, Role.STUDENT, last_name=f"Child{i:02}") for i in range(rows)]
    for student in students:
        f.EnrollmentFactory(school_class=w.a.school_class, student=student)
    now = timezone.now()
    registrations = Registration.objects.bulk_create(
        Registration(
            establishment=w.a.establishment,
            activity=activity,
            student=s,
            registered_by=w.a.parent,
            status=Registration.Status.REGISTERED,
            created_at=now,
            answers={},
        )
        for s in students
    )
    ConsentSignature.objects.bulk_create(
        ConsentSignature(
            establishment=w.a.establishment,
            registration=r,
            consent_version=v,
            is_given=True,
            signed_by=w.a.parent,
            signed_by_name="Parent",
            signed_at=now,
        )
        for r in registrations
        for v in versions
    )
    DocumentUpload.objects.bulk_create(
        DocumentUpload(
            establishment=w.a.establishment,
            registration=r,
            item=item,
            file="registrations/x",
            name="x.pdf",
            content_type="application/pdf",
            size_bytes=1,
            uploaded_at=now,
        )
        for r in registrations
    )
    client = client_for(w.a.office)
    url = reverse("registrations:activity-registrations", args=[activity.pk])
    client.get(url)  # warm the scope cache
    # session, user; activity; registrations, signatures, uploads; counts, consents, items,
    # questions; the audit event
    with django_assert_num_queries(11):
        response = client.get(url)
    assert len(response.context["page"].rows) == rows
    assert response.content.decode().count("Child") >= rows


@pytest.mark.parametrize("rows", [1, 50])
def test_activity_list_costs_the_same_with_1_and_50_and_is_cached(
    reg_world, client_for, django_assert_num_queries, rows
):
    w = reg_world
    for i in range(rows):
        activity_in(w.a, title=f"Club {i:02}")
    client = client_for(w.a.parent)
    url = reverse("registrations:activity-list")
    client.get(url)  # warm the scope cache
    from romsie.core import versions

    versions.bump(versions.Kind.REGISTRATIONS, w.a.establishment.pk)
    with django_assert_num_queries(4):  # session, user; activities with counts; the children's registrations
        assert client.get(url).status_code == 200
    with django_assert_num_queries(2):  # session, user: the list comes from the cache
        page = client.get(url).content.decode()
    assert page.count('class="card activity-card"') == rows


def test_the_activity_list_shows_a_registration_at_once(reg_world, client_for, django_capture_on_commit_callbacks):
    w = reg_world
    activity = activity_in(w.a)
    client = client_for(w.a.parent)
    url = reverse("registrations:activity-list")
    assert 'class="status status-' not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registrations:registration-create", args=[activity.pk]), {"child": w.a.student.pk}
        )
    assert response.status_code == 302
    assert 'class="status status-registered"' in client.get(url).content.decode()
