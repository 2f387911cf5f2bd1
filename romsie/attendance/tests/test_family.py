"""The families' part of school life: the record page, justifying online, school life's review, the widget."""

from __future__ import annotations

import pytest
from django.urls import reverse

from romsie.attendance import reasons
from romsie.attendance.models import AbsenceReason, Justification, JustificationStatus
from romsie.core import versions
from romsie.core.models import AuditEvent
from romsie.identity.models import Guardianship
from romsie.notifications.kinds import render
from romsie.notifications.models import Notification

from .builders import enable
from .builders_family import (
    absence_for,
    justification_for,
    lateness_for,
    pdf,
    png,
    reason_of,
    sanction_for,
)

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def w(world):
    enable(world.a, world.b, world.c)
    return world


def _reason(w):
    reasons.default_reasons_ensure(w.a.establishment.pk)
    return AbsenceReason.objects.get(establishment=w.a.establishment, label="Illness")


# -- The record page ---------------------------------------------------------------------------


def test_the_parent_sees_the_childs_year_newest_first_with_justify_buttons(w, client_for):
    old = absence_for(w.a.student, w.a.establishment.pk, days_ago=5)
    new = absence_for(w.a.student, w.a.establishment.pk, days_ago=1)
    done = absence_for(w.a.student, w.a.establishment.pk, days_ago=3, status=JustificationStatus.JUSTIFIED)
    late = lateness_for(w.a.student, w.a.establishment.pk, minutes=12)
    sanction_for(w.a.student, w.a.establishment.pk)
    absence_for(w.a.student2, w.a.establishment.pk)  # another family's child
    page = client_for(w.a.parent).get(reverse("attendance:record")).content.decode()
    assert page.index(f'id="absence-{new.pk}"') < page.index(f'id="absence-{old.pk}"')
    assert reverse("attendance:justify-absence", args=[new.pk]) in page
    assert reverse("attendance:justify-absence", args=[done.pk]) not in page
    assert reverse("attendance:justify-lateness", args=[late.pk]) in page
    assert "12 minutes late" in page and "Detention" in page and "Insolence towards a supervisor" in page
    assert page.count('class="att-item" id="absence-') == 3


def test_the_home_of_school_life_sends_families_to_the_record(w, client_for):
    response = client_for(w.a.student).get(reverse("attendance:home"))
    assert response.status_code == 302 and response["Location"] == reverse("attendance:record")


def test_a_minor_student_sees_the_record_but_no_justify_button(w, client_for):
    absence = absence_for(w.a.student, w.a.establishment.pk)
    page = client_for(w.a.student).get(reverse("attendance:record")).content.decode()
    assert f'id="absence-{absence.pk}"' in page
    assert reverse("attendance:justify-absence", args=[absence.pk]) not in page
    response = client_for(w.a.student).get(reverse("attendance:justify-absence", args=[absence.pk]))
    assert response.status_code == 404


def test_a_guardian_without_the_right_sees_no_button_and_gets_404(w, client_for):
    Guardianship.objects.filter(guardian=w.a.parent).update(can_justify_absences=False)
    absence = absence_for(w.a.student, w.a.establishment.pk)
    client = client_for(w.a.parent)
    assert (
        reverse("attendance:justify-absence", args=[absence.pk])
        not in client.get(reverse("attendance:record")).content.decode()
    )
    response = client.post(reverse("attendance:justify-absence", args=[absence.pk]), {"reason": _reason(w).pk})
    assert response.status_code == 404
    assert not Justification.objects.exists()


def test_the_record_costs_the_same_for_one_and_many_rows(w, client_for, django_assert_num_queries):
    client = client_for(w.a.parent)
    absence = absence_for(w.a.student, w.a.establishment.pk)
    justification_for(absence, w.a.parent)
    lateness_for(w.a.student, w.a.establishment.pk)
    client.get(reverse("attendance:record"))  # warm the scope's cache
    versions.bump(versions.Kind.ATTENDANCE_RECORD, w.a.student.pk)  # as any write does, once committed
    with django_assert_num_queries(9) as one:
        client.get(reverse("attendance:record"))
    with django_assert_num_queries(2):  # the session and the person: the record comes from the cache
        client.get(reverse("attendance:record"))
    for day in range(2, 25):
        justification_for(absence_for(w.a.student, w.a.establishment.pk, days_ago=day), w.a.parent)
        lateness_for(w.a.student, w.a.establishment.pk, days_ago=day)
        sanction_for(w.a.student, w.a.establishment.pk, days_ago=day)
    versions.bump(versions.Kind.ATTENDANCE_RECORD, w.a.student.pk)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("attendance:record"))


def test_a_new_absence_and_a_review_show_at_once_on_the_cached_record(
    w, client_for, django_capture_on_commit_callbacks
):
    client = client_for(w.a.parent)
    url = reverse("attendance:record")
    assert "Justify" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the record's stamp moves once committed
        absence = absence_for(w.a.student, w.a.establishment.pk)
    assert "Justify" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("attendance:justify-absence", args=[absence.pk]), {"reason": _reason(w).pk})
    page = client.get(url).content.decode()
    assert "Justification to review" in page or "To review" in page


# -- Justifying ----------------------------------------------------------------------------------


def test_a_guardian_justifies_with_a_photo(w, client_for):
    absence = absence_for(w.a.student, w.a.establishment.pk)
    client = client_for(w.a.parent)
    url = reverse("attendance:justify-absence", args=[absence.pk])
    page = client.get(url).content.decode()
    assert 'accept="image/*,application/pdf"' in page and "Illness" in page
    reason = AbsenceReason.objects.get(establishment=w.a.establishment, label="Illness")
    response = client.post(url, {"reason": reason.pk, "comment": "Flu, see the certificate", "document": png()})
    assert response.status_code == 302 and response["Location"] == reverse("attendance:record")
    justification = Justification.objects.get()
    assert justification.status == Justification.Status.PENDING
    assert justification.name == "certificate.png" and justification.content_type == "image/png"
    assert justification.submitted_by == w.a.parent and justification.comment == "Flu, see the certificate"
    absence.refresh_from_db()
    assert absence.status == JustificationStatus.PENDING
    assert AuditEvent.objects.filter(action="attendance.justification_submit").exists()
    page = client.get(reverse("attendance:record")).content.decode()
    assert "Justification to review" in page and "certificate.png" in page
    assert url not in page
    # The family downloads what it sent.
    response = client.get(reverse("attendance:justification-file", args=[justification.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_a_student_of_age_justifies_a_lateness(w, client_for):
    w.a.student.comes_of_age_on = w.a.student.date_joined.date().replace(year=2000)
    w.a.student.save(update_fields=["comes_of_age_on"])
    late = lateness_for(w.a.student, w.a.establishment.pk)
    reason = _reason(w)
    response = client_for(w.a.student).post(
        reverse("attendance:justify-lateness", args=[late.pk]), {"reason": reason.pk, "document": pdf()}
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.status == JustificationStatus.PENDING
    assert Justification.objects.get().lateness == late


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "send a photo (JPEG, PNG, WebP) or a PDF document"),
        ("notes.docx", b"PK\x03\x04", "send a photo (JPEG, PNG, WebP) or a PDF document"),
        ("photo.png", b"GIF89a not a png", "does not contain what its name says"),
        ("scan.heic", b"\x00\x00\x00\x18ftypheic", "send a photo (JPEG, PNG, WebP) or a PDF document"),
    ],
)
def test_a_wrong_file_saves_nothing_and_keeps_what_was_typed(w, client_for, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    absence = absence_for(w.a.student, w.a.establishment.pk)
    reason = _reason(w)
    other = AbsenceReason.objects.get(establishment=w.a.establishment, label="Transport")
    response = client_for(w.a.parent).post(
        reverse("attendance:justify-absence", args=[absence.pk]),
        {"reason": other.pk, "comment": "The bus did not come", "document": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "The bus did not come" in page and f'<option value="{other.pk}" selected>' in page
    assert reason.pk != other.pk
    assert not Justification.objects.exists()
    absence.refresh_from_db()
    assert absence.status == JustificationStatus.UNJUSTIFIED


def test_someone_elses_child_or_another_establishment_is_404(w, client_for):
    theirs = absence_for(w.a.student2, w.a.establishment.pk)
    elsewhere = absence_for(w.c.student, w.c.establishment.pk)
    client = client_for(w.a.parent)
    reason = _reason(w)
    for absence in (theirs, elsewhere):
        url = reverse("attendance:justify-absence", args=[absence.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": reason.pk, "document": png()}).status_code == 404
    assert not Justification.objects.exists()


def test_a_reason_of_another_establishment_or_not_offered_is_refused(w, client_for):
    absence = absence_for(w.a.student, w.a.establishment.pk)
    _reason(w)
    foreign = reason_of(w.c.establishment.pk, "Illness")
    hidden = reason_of(w.a.establishment.pk, "Exclusion", offered_to_families=False)
    client = client_for(w.a.parent)
    for reason in (foreign, hidden):
        response = client.post(reverse("attendance:justify-absence", args=[absence.pk]), {"reason": reason.pk})
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Justification.objects.exists()


def test_a_second_justification_while_one_waits_is_refused(w, client_for):
    absence = absence_for(w.a.student, w.a.establishment.pk)
    justification_for(absence, w.a.parent)
    response = client_for(w.a.parent).post(
        reverse("attendance:justify-absence", args=[absence.pk]), {"reason": _reason(w).pk}
    )
    assert response.status_code == 200
    assert "already waiting for school life" in response.content.decode()
    assert Justification.objects.count() == 1


def test_the_default_reasons_are_created_once(w):
    reasons.default_reasons_ensure(w.a.establishment.pk)
    reasons.default_reasons_ensure(w.a.establishment.pk)
    labels = list(AbsenceReason.objects.filter(establishment=w.a.establishment).values_list("label", flat=True))
    assert len(labels) == len(reasons.DEFAULT_REASONS) and "Illness" in labels
    assert not AbsenceReason.objects.filter(establishment=w.c.establishment).exists()


def test_a_full_disk_saves_nothing_and_keeps_the_reason(w, client_for, small_disk):
    absence = absence_for(w.a.student, w.a.establishment.pk)
    reason = _reason(w)
    client = client_for(w.a.parent)
    url = reverse("attendance:justify-absence", args=[absence.pk])
    small_disk.fill(leave=32 * 1024)
    response = client.post(url, {"reason": reason.pk, "comment": "Flu", "document": pdf(size=100 * 1024)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The server could not store your file certificate.pdf" in page and "Flu" in page
    assert not Justification.objects.exists() and small_disk.stored_files() == []
    absence.refresh_from_db()
    assert absence.status == JustificationStatus.UNJUSTIFIED
    small_disk.free()
    assert client.post(url, {"reason": reason.pk, "document": pdf()}).status_code == 302
    assert len(small_disk.stored_files()) == 1


# -- Review --------------------------------------------------------------------------------------


def test_school_life_accepts_and_the_family_is_told(w, client_for):
    absence = absence_for(w.a.student, w.a.establishment.pk)
    justification = justification_for(absence, w.a.parent)
    cpe = client_for(w.a.school_life)
    page = cpe.get(reverse("attendance:justification-list")).content.decode()
    assert f'id="justification-{justification.pk}"' in page
    url = reverse("attendance:justification-review", args=[justification.pk])
    assert "Flu" in cpe.get(url).content.decode()
    response = cpe.post(url, {"reason": justification.reason_id, "comment": "", "decision": "accept"})
    assert response.status_code == 302
    absence.refresh_from_db()
    justification.refresh_from_db()
    assert absence.status == JustificationStatus.JUSTIFIED and absence.reason_id == justification.reason_id
    assert justification.status == Justification.Status.ACCEPTED and justification.reviewed_by == w.a.school_life
    assert AuditEvent.objects.filter(action="attendance.justification_accept").exists()
    told = Notification.objects.filter(kind="attendance.justification_reviewed")
    assert set(told.values_list("recipient_id", flat=True)) == {w.a.student.pk, w.a.parent.pk}
    assert "was accepted" in render(told.get(recipient=w.a.parent))
    page = client_for(w.a.parent).get(reverse("attendance:record")).content.decode()
    assert "Justified" in page and "Accepted" in page
    # Reviewed: the list of pending ones no longer shows it, the filter by state does.
    assert (
        f'id="justification-{justification.pk}"'
        not in cpe.get(reverse("attendance:justification-list")).content.decode()
    )
    assert (
        f'id="justification-{justification.pk}"'
        in cpe.get(reverse("attendance:justification-list") + "?etat=accepted").content.decode()
    )


def test_refusing_needs_a_comment_that_the_family_reads(w, client_for):
    absence = absence_for(w.a.student, w.a.establishment.pk)
    justification = justification_for(absence, w.a.parent)
    cpe = client_for(w.a.school_life)
    url = reverse("attendance:justification-review", args=[justification.pk])
    response = cpe.post(url, {"reason": justification.reason_id, "comment": "", "decision": "refuse"})
    assert response.status_code == 200 and "Say why the justification is refused" in response.content.decode()
    justification.refresh_from_db()
    assert justification.status == Justification.Status.PENDING
    cpe.post(url, {"reason": justification.reason_id, "comment": "A certificate is needed", "decision": "refuse"})
    absence.refresh_from_db()
    assert absence.status == JustificationStatus.REFUSED
    page = client_for(w.a.parent).get(reverse("attendance:record")).content.decode()
    assert "A certificate is needed" in page and "Justification refused" in page
    # Refused: the family may justify again.
    assert reverse("attendance:justify-absence", args=[absence.pk]) in page


def test_a_reviewed_justification_cannot_be_reviewed_again(w, client_for):
    justification = justification_for(absence_for(w.a.student, w.a.establishment.pk), w.a.parent)
    cpe = client_for(w.a.school_life)
    url = reverse("attendance:justification-review", args=[justification.pk])
    cpe.post(url, {"reason": justification.reason_id, "decision": "accept"})
    response = cpe.post(url, {"reason": justification.reason_id, "comment": "no", "decision": "refuse"}, follow=True)
    assert "Someone already reviewed this justification" in response.content.decode()
    justification.refresh_from_db()
    assert justification.status == Justification.Status.ACCEPTED


def test_the_review_list_costs_the_same_for_one_and_thirty(w, client_for, django_assert_num_queries):
    justification_for(absence_for(w.a.student, w.a.establishment.pk), w.a.parent)
    cpe = client_for(w.a.school_life)
    url = reverse("attendance:justification-list")
    cpe.get(url)
    with django_assert_num_queries(3) as one:
        cpe.get(url)
    for day in range(2, 32):
        justification_for(absence_for(w.a.student2, w.a.establishment.pk, days_ago=day), w.a.parent2)
    with django_assert_num_queries(len(one.captured_queries)):
        page = cpe.get(url).content.decode()
    assert page.count('class="att-item"') == 30


def test_the_document_is_previewed_for_staff_and_hidden_from_others(w, client_for):
    absence = absence_for(w.a.student, w.a.establishment.pk)
    reason = _reason(w)
    client_for(w.a.parent).post(
        reverse("attendance:justify-absence", args=[absence.pk]), {"reason": reason.pk, "document": png()}
    )
    justification = Justification.objects.get()
    url = reverse("attendance:justification-file", args=[justification.pk])
    review = client_for(w.a.school_life).get(reverse("attendance:justification-review", args=[justification.pk]))
    assert f'src="{url}?apercu=1"' in review.content.decode()
    preview = client_for(w.a.school_life).get(url + "?apercu=1")
    assert preview.status_code == 200 and preview["Content-Disposition"] == "inline"
    assert preview["X-Content-Type-Options"] == "nosniff"
    for other in (w.a.parent2, w.a.student2, w.a.teacher, w.c.school_life):
        assert client_for(other).get(url).status_code in (403, 404)


# -- The dashboard widget ------------------------------------------------------------------------


def test_the_widget_counts_unjustified_absences_and_refreshes_at_once(
    w, client_for, django_capture_on_commit_callbacks
):
    absence_for(w.a.student, w.a.establishment.pk)
    absence_for(w.a.student, w.a.establishment.pk, days_ago=2, status=JustificationStatus.JUSTIFIED)
    client = client_for(w.a.parent)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert 'id="widget-attendance-record"' in page and "1 unjustified absence this year" in page
    with django_capture_on_commit_callbacks(execute=True):
        absence_for(w.a.student, w.a.establishment.pk, days_ago=3)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "2 unjustified absences this year" in page
    assert reverse("attendance:record") in page


def test_the_widget_costs_two_queries(w, rf):
    from romsie.attendance import selectors
    from romsie.homework.tests.builders import scope_of

    absence_for(w.a.student, w.a.establishment.pk)
    lateness_for(w.a.student, w.a.establishment.pk)
    scope = scope_of(w.a.parent)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        summary = selectors.record_summary(scope, w.a.student.pk)
    assert len(queries.captured_queries) == 2
    assert summary.unjustified == 1 and len(summary.recent) == 2


def test_school_lifes_widget_counts_the_pending_ones_at_once(w, client_for, django_capture_on_commit_callbacks):
    client = client_for(w.a.school_life)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert 'id="widget-attendance-justifications"' in page and "No justification waits for a review" in page
    absence = absence_for(w.a.student, w.a.establishment.pk)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(w.a.parent).post(reverse("attendance:justify-absence", args=[absence.pk]), {"reason": _reason(w).pk})
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "1 justification waits for your review" in page
    assert reverse("attendance:justification-list") in page


def test_a_guardian_of_two_children_switches_child(w, client_for):
    Guardianship.objects.create(establishment=w.a.establishment, guardian=w.a.parent, student=w.a.student2)
    first = absence_for(w.a.student, w.a.establishment.pk)
    second = absence_for(w.a.student2, w.a.establishment.pk)
    client = client_for(w.a.parent)
    client.post(reverse("identity:context-switch"), {"child": w.a.student2.pk})
    page = client.get(reverse("attendance:record")).content.decode()
    assert f'id="absence-{second.pk}"' in page and f'id="absence-{first.pk}"' not in page
    assert w.a.student2.get_full_name() in page
    client.post(reverse("identity:context-switch"), {"child": w.a.student.pk})
    page = client.get(reverse("attendance:record")).content.decode()
    assert f'id="absence-{first.pk}"' in page and f'id="absence-{second.pk}"' not in page


def test_the_review_list_shows_only_the_establishments_own(w, client_for):
    mine = justification_for(absence_for(w.a.student, w.a.establishment.pk), w.a.parent)
    theirs = justification_for(absence_for(w.c.student, w.c.establishment.pk), w.c.parent)
    page = client_for(w.a.school_life).get(reverse("attendance:justification-list") + "?etat=tout").content.decode()
    assert f'id="justification-{mine.pk}"' in page and f'id="justification-{theirs.pk}"' not in page


def test_accepting_with_a_reason_that_does_not_justify_keeps_it_unjustified(w, client_for):
    absence = absence_for(w.a.student, w.a.establishment.pk)
    justification = justification_for(absence, w.a.parent)
    personal = reason_of(w.a.establishment.pk, "Personal convenience", justifies=False)
    client_for(w.a.school_life).post(
        reverse("attendance:justification-review", args=[justification.pk]),
        {"reason": personal.pk, "comment": "Not a valid reason", "decision": "accept"},
    )
    absence.refresh_from_db()
    assert absence.reason == personal and absence.status == JustificationStatus.UNJUSTIFIED


def test_an_outing_has_no_justify_button(w, client_for):
    outing = absence_for(w.a.student, w.a.establishment.pk, kind="out")
    page = client_for(w.a.parent).get(reverse("attendance:record")).content.decode()
    assert f'id="absence-{outing.pk}"' in page
    assert reverse("attendance:justify-absence", args=[outing.pk]) not in page
    assert client_for(w.a.parent).get(reverse("attendance:justify-absence", args=[outing.pk])).status_code == 404
