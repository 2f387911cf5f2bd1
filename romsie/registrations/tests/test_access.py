"""Who sees what: partners only the activities they run; a child's consents and documents only for
its guardians, the organiser and the office; documents provided, reviewed and the family told."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from romsie.core.models import AuditEvent
from romsie.core.testing.factories import scope_of
from romsie.notifications.models import Notification
from romsie.registrations import services
from romsie.registrations.models import DocumentItem, DocumentUpload

from .builders import PDF, activity_in, consent_in


def test_a_partner_sees_only_the_activities_they_run(reg_world, client_for):
    w = reg_world
    run = activity_in(w.a, title="Judo with the town club", organisers=[w.a.partner])
    activity_in(w.a, title="Chess club")

    page = client_for(w.a.partner).get(reverse("registrations:activity-list")).content.decode()
    parents = client_for(w.a.parent).get(reverse("registrations:activity-list")).content.decode()

    assert "Judo with the town club" in page and "Chess club" not in page
    assert "Judo with the town club" in parents and "Chess club" in parents
    assert (
        client_for(w.a.partner).get(reverse("registrations:activity-registrations", args=[run.pk])).status_code == 200
    )


def _registered_with_consent(w):
    activity = activity_in(w.a)
    version = consent_in(activity, "Medical treatment", "Treatment may be given.")
    registration = services.registration_create(
        scope=scope_of(w.a.parent),
        activity=activity,
        student_id=w.a.student.pk,
        answers={},
        consents={version.consent_id: False},
    )
    return activity, registration


def test_a_childs_consents_are_seen_by_guardians_organiser_and_office_only(reg_world, client_for):
    w = reg_world
    _activity, registration = _registered_with_consent(w)
    url = reverse("registrations:registration-detail", args=[registration.pk])

    for person in (w.a.parent, w.a.office, w.a.head, w.a.after_school):
        page = client_for(person).get(url).content.decode()
        assert "Medical treatment" in page and "refused" in page, person
    for person in (w.a.teacher, w.a.parent2, w.a.student, w.a.school_life, w.c.parent, w.c.office):
        response = client_for(person).get(url)
        assert response.status_code in (403, 404), person
        assert "Medical treatment" not in response.content.decode()
    assert AuditEvent.objects.filter(action="registrations.registration_read", actor_id=w.a.office.pk).exists()


def test_the_family_provides_a_document_and_the_office_refuses_it_with_a_reason(reg_world, client_for):
    w = reg_world
    activity, registration = _registered_with_consent(w)
    item = DocumentItem.objects.create(establishment=w.a.establishment, activity=activity, name="Insurance")

    response = client_for(w.a.parent).post(
        reverse("registrations:document-upload", args=[registration.pk]),
        {"item": item.pk, "file": SimpleUploadedFile("insurance.pdf", PDF, content_type="application/pdf")},
    )
    upload = DocumentUpload.objects.get()
    assert response.status_code == 302 and upload.status == DocumentUpload.Status.PENDING
    assert client_for(w.a.parent2).get(reverse("registrations:document-download", args=[upload.pk])).status_code == 404

    refused = client_for(w.a.office).post(
        reverse("registrations:document-review", args=[upload.pk]), {"decision": "refused", "reason": ""}
    )
    upload.refresh_from_db()
    assert refused.status_code == 302 and upload.status == DocumentUpload.Status.PENDING, "a refusal needs a reason"

    client_for(w.a.office).post(
        reverse("registrations:document-review", args=[upload.pk]), {"decision": "refused", "reason": "Expired"}
    )
    upload.refresh_from_db()
    assert upload.status == DocumentUpload.Status.REFUSED and upload.reason == "Expired"
    note = Notification.objects.get(kind="registrations.document_reviewed")
    assert note.recipient == w.a.parent
    page = client_for(w.a.parent).get(reverse("registrations:registration-detail", args=[registration.pk]))
    assert "Expired" in page.content.decode()


def test_another_parent_cannot_provide_a_document_for_a_child_not_theirs(reg_world, client_for):
    w = reg_world
    activity, registration = _registered_with_consent(w)
    item = DocumentItem.objects.create(establishment=w.a.establishment, activity=activity, name="Insurance")
    response = client_for(w.a.parent2).post(
        reverse("registrations:document-upload", args=[registration.pk]),
        {"item": item.pk, "file": SimpleUploadedFile("insurance.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 404
    assert not DocumentUpload.objects.exists()
