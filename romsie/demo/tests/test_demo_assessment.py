"""The generated demo's marks and report cards (``romsie.assessment.demo``, called by the generator)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.assessment.models import Assessment, CompetencyEvaluation, Council, Mark, ReportCard
from romsie.establishments.models import Establishment
from romsie.identity.models import Guardianship


@pytest.mark.django_db
class TestTheDemosMarks:
    """Read the demo the command generated (``--scale 0.2``, with content)."""

    def test_the_college_has_a_term_of_marks_and_two_councils(self, command_demo: Path) -> None:
        for college in Establishment.objects.filter(kind=Establishment.Kind.LOWER_SECONDARY):
            assessments = Assessment.objects.filter(establishment=college)
            assert assessments.filter(publish_on__gt=timezone.localdate()).exists(), college.name
            assert Mark.objects.filter(establishment=college).count() > 1000
            statuses = set(Council.objects.filter(establishment=college).values_list("status", flat=True))
            assert statuses == {Council.Status.PREPARED, Council.Status.PUBLISHED}, college.name
        for school in Establishment.objects.filter(kind__in=Establishment.PRIMARY_KINDS):
            assert CompetencyEvaluation.objects.filter(establishment=school).exists(), school.name
            assert not Assessment.objects.filter(establishment=school).exists()

    def test_a_parent_of_the_published_class_sees_a_mark(self, command_demo: Path, client_for: Any) -> None:
        published = Council.objects.filter(status=Council.Status.PUBLISHED).select_related("school_class").first()
        assert published is not None
        link = Guardianship.objects.filter(student__enrollments__school_class=published.school_class).first()
        assert link is not None
        client = client_for(link.guardian)
        client.post(
            reverse("identity:context-switch"), {"establishment": published.establishment_id, "child": link.student_id}
        )
        page = client.get(reverse("assessment:my-marks")).content.decode()
        assert 'id="mark-' in page
        cards = client.get(reverse("assessment:my-report-cards"))
        assert cards.status_code == 200
        card = ReportCard.objects.get(council=published, student_id=link.student_id)
        assert reverse("assessment:report-card-file", args=[card.pk]) in cards.content.decode()
        download = client.get(reverse("assessment:report-card-file", args=[card.pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")
