"""Benchmark the report cards of a class of 35 students, generated through the real task.

Run: ``.venv/bin/python benchmarks/report_cards.py`` (``make bench`` runs it). In a fresh SQLite
database of a temporary directory, builds the test world plus a class of 35 students with 10
subjects of 6 assessments each (every student marked, a teacher's comment per subject, the
council's decisions), validates its council, then generates its report cards through the
background task (the immediate backend: the task runs in this process) several times. Prints
the seconds per class and per report card, and the queries of one generation; writes them to
``var/bench-report-cards.json``. Not part of the test suite.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROUNDS = 3
STUDENTS, SUBJECTS, ASSESSMENTS = 35, 10, 6
ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    var = tempfile.mkdtemp(prefix="romsie-bench-")
    os.environ["ROMSIE_VAR_DIR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ["DEBUG"] = "false"
    os.environ["TASKS_BACKEND"] = "immediate"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from romsie.assessment import tasks
    from romsie.assessment.models import Council, CouncilDecision, Mark, ReportCard, ReportCardRun, ReportComment
    from romsie.assessment.tests.builders import assessment_for, enable, period_of
    from romsie.assessment.tests.builders_councils import add_students, add_teachings, homeroom
    from romsie.core.testing import factories as f
    from romsie.core.testing.world import build_world
    from romsie.schooling.models import Enrollment

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        world = build_world()
        ew = world.a
        enable(ew)
        homeroom(ew)
        period = period_of(ew)
        add_students(ew, STUDENTS - 1)
        teachings = add_teachings(ew, SUBJECTS)
    students = list(Enrollment.objects.filter(school_class=ew.school_class).values_list("student_id", flat=True))
    marks, comments = [], []
    for t_index, teaching in enumerate(teachings):
        for a_index in range(ASSESSMENTS):
            assessment = assessment_for(ew, teaching=teaching, title=f"Test {a_index}", out_of="20")
            marks.extend(
                Mark(
                    establishment=ew.establishment,
                    assessment=assessment,
                    student_id=student_id,
                    value=Decimal((7 + s_index + t_index * 3 + a_index) % 21),
                    updated_by=teaching.teacher,
                )
                for s_index, student_id in enumerate(students)
            )
        comments.extend(
            ReportComment(
                establishment=ew.establishment,
                period=period,
                teaching=teaching,
                student_id=student_id,
                text="Travail régulier, des progrès à l'oral ; poursuivre les efforts en autonomie.",
                author=teaching.teacher,
            )
            for student_id in students
        )
    Mark.objects.bulk_create(marks)
    ReportComment.objects.bulk_create(comments)
    council = Council.objects.create(
        establishment=ew.establishment,
        period=period,
        school_class=ew.school_class,
        status=Council.Status.VALIDATED,
        validated_by=ew.head,
    )
    CouncilDecision.objects.bulk_create(
        CouncilDecision(
            establishment=ew.establishment,
            council=council,
            student_id=student_id,
            general_comment="Un trimestre sérieux : l'ensemble est satisfaisant, continuez ainsi.",
            decision="",
        )
        for student_id in students
    )
    scope = f.scope_of(ew.head)

    timings, queries = [], 0
    for _round in range(ROUNDS):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            run = tasks.report_cards_request(scope=scope, council=council)
        elapsed = time.perf_counter() - started
        run = ReportCardRun.objects.get(pk=run.pk)
        if run.status != ReportCardRun.Status.DONE:
            raise SystemExit(f"the generation failed: {run.error}")
        timings.append(elapsed)
        queries = len(captured.captured_queries)
    per_class = statistics.median(timings)
    cards = ReportCard.objects.filter(council=council, student__isnull=False).count()
    whole = ReportCard.objects.get(council=council, student__isnull=True)
    result = {
        "students": STUDENTS,
        "subjects": SUBJECTS,
        "assessments_per_subject": ASSESSMENTS,
        "seconds_per_class": round(per_class, 3),
        "seconds_per_report_card": round(per_class / cards, 4),
        "queries_per_generation": queries,
        "class_file_bytes": whole.size_bytes,
        "rounds": [round(t, 3) for t in timings],
    }
    print(
        f"report cards of a class of {STUDENTS} ({SUBJECTS} subjects x {ASSESSMENTS} assessments), "
        f"median of {ROUNDS}: {per_class:.2f} s per class, {per_class / cards:.3f} s per report card, "
        f"{queries} queries per generation"
    )
    output = ROOT / "var" / "bench-report-cards.json"
    output.parent.mkdir(exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    connection.close()
    shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
