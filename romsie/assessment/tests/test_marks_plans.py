"""The teachers' pages and the announcement run find their rows by index (PostgreSQL plans).

Sequential scans are forbidden for the transaction (``enable_seqscan = off``); a plan that still
reads a whole table shows as a ``Seq Scan``, as in ``tests/test_query_plans.py``.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from .. import access
from ..models import Assessment, Mark
from .builders import assessment_for, enable, mark_for, period_of


@pytest.fixture
def no_seq_scans():
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")


def scans(plan: str, table: str) -> bool:
    return f"Seq Scan on {table}" in plan


def test_a_teachers_assessments_and_grid_are_found_by_index(world, client_for, no_seq_scans):
    enable(world.a)
    period = period_of(world.a)
    assessment = assessment_for(world.a)
    mark_for(assessment, world.a.student.pk, "12")
    scope = client_for(world.a.teacher).get(reverse("core:dashboard")).wsgi_request.scope
    listed = Assessment.objects.filter(teaching_id__in=access.own_teachings(scope).values("pk"), period=period)
    assert not scans(listed.explain(), "assessment_assessment")
    assert not scans(access.editable_assessments(scope).filter(pk=assessment.pk).explain(), "assessment_assessment")
    assert not scans(Mark.objects.filter(assessment=assessment).explain(), "assessment_mark")


def test_the_announcement_run_reads_only_the_assessments_still_to_announce(world, no_seq_scans):
    enable(world.a)
    assessment_for(world.a, publish_on=timezone.localdate() - datetime.timedelta(days=1))
    due = Assessment.objects.filter(publish_on__lte=timezone.localdate(), notified_at__isnull=True).filter(
        Exists(Mark.objects.filter(assessment_id=OuterRef("pk")))
    )
    plan = due.explain()
    assert "assessment_to_notify" in plan, plan
