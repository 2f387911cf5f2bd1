"""The classes' results and the class council: pages, saving, statuses, the lock, the audit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from romsie.core.models import AuditEvent

from ..models import Council, CouncilDecision, Mention
from .builders import assessment_for, enable, latin_across_classes, mark_for, period_of
from .builders_councils import add_students, add_teachings, council_of, homeroom, mark_everyone

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def w(world):
    enable(world.a, world.b, world.c)
    homeroom(world.a)
    period_of(world.a)
    return world


def _url(name, w, **query):
    period = period_of(w.a)
    url = reverse(name, kwargs={"pk": w.a.school_class.pk})
    return f"{url}?periode={period.pk}" + "".join(f"&{k}={v}" for k, v in query.items())


def _row(student, *, comment="", mention="", decision="", version=None):
    data = {
        f"s{student.pk}-general_comment": comment,
        f"s{student.pk}-mention": mention,
        f"s{student.pk}-decision": decision,
    }
    if version is not None:
        data[f"s{student.pk}-version"] = str(version)
    return data


# -- My classes ------------------------------------------------------------------------------------


def test_the_homeroom_teacher_sees_their_class_and_the_head_every_class(w, client_for):
    council_of(w.a, Council.Status.PREPARED)
    page = client_for(w.a.teacher).get(reverse("assessment:class-list")).content.decode()
    assert w.a.school_class.name in page and w.a.class2.name not in page
    assert "Prepared" in page
    page = client_for(w.a.head).get(reverse("assessment:class-list")).content.decode()
    assert w.a.school_class.name in page and w.a.class2.name in page
    assert w.c.school_class.name not in page


def test_the_class_list_filters_by_level(w, client_for):
    from romsie.schooling.models import Level

    w.a.class2.level = Level.objects.get(code="5E")
    w.a.class2.save(update_fields=["level"])
    six = w.a.school_class.level_id
    page = client_for(w.a.head).get(reverse("assessment:class-list") + f"?niveau={six}").content.decode()
    assert w.a.school_class.name in page and w.a.class2.name not in page


def test_the_class_list_costs_the_same_for_1_and_20_classes(w, client_for, django_assert_num_queries):
    from romsie.core.testing import factories as f

    period = period_of(w.a)
    client = client_for(w.a.head)
    url = reverse("assessment:class-list") + f"?periode={period.pk}"
    council_of(w.a, Council.Status.VALIDATED)
    client.get(url)
    with django_assert_num_queries(QUERIES_CLASS_LIST):
        client.get(url)
    for number in range(18):
        school_class = f.SchoolClassFactory(establishment=w.a.establishment, name=f"4e {number}")
        Council.objects.create(establishment=w.a.establishment, period=period, school_class=school_class)
    client.get(url)  # the new classes moved the structure: the year's periods are read again once
    with django_assert_num_queries(QUERIES_CLASS_LIST):
        assert client.get(url).content.decode().count('class="ass-class"') == 20


QUERIES_CLASS_LIST = 5


# -- A class's results ---------------------------------------------------------------------------


def test_the_results_show_averages_figures_and_absences_and_are_audited(w, client_for):
    english = add_teachings(w.a, 1)[0]
    maths = assessment_for(w.a, title="Maths test")
    mark_for(maths, w.a.student.pk, "12")
    essay = assessment_for(w.a, teaching=english, out_of="40", weight="2")
    mark_for(essay, w.a.student.pk, "30")
    other = add_students(w.a, 1)[0]
    mark_for(maths, other.pk, "16")
    response = client_for(w.a.teacher).get(_url("assessment:class-results", w))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Subject 00" in page and "15.00" in page and "12.00" in page
    assert "14.00" in page  # the class mean in the world's subject: (12 + 16) / 2
    event = AuditEvent.objects.get(action="assessment.class_read")
    assert event.actor_id == w.a.teacher.pk and event.details["school_class"] == str(w.a.school_class.pk)


def test_another_class_answers_404_and_a_plain_teacher_403_or_404(w, client_for):
    url = reverse("assessment:class-results", kwargs={"pk": w.a.class2.pk})
    assert client_for(w.a.teacher).get(url).status_code == 404
    assert client_for(w.a.student).get(url).status_code == 403
    url = reverse("assessment:class-results", kwargs={"pk": w.c.school_class.pk})
    assert client_for(w.a.head).get(url).status_code == 404


@pytest.mark.parametrize(("students", "assessments"), [(1, 1), (35, 30)])
def test_the_results_cost_a_fixed_number_of_queries(w, client_for, django_assert_num_queries, students, assessments):
    add_students(w.a, students - 1)
    teachings = add_teachings(w.a, 2)
    mark_everyone(w.a, teachings, assessments // 2 or 1)
    client = client_for(w.a.head)
    url = _url("assessment:class-results", w)
    client.get(url)
    with django_assert_num_queries(QUERIES_RESULTS):
        response = client.get(url)
    assert response.content.decode().count("<tr>") >= students


QUERIES_RESULTS = 11


def test_the_results_export_as_csv_and_xlsx(w, client_for):
    mark_for(assessment_for(w.a), w.a.student.pk, "13.5")
    client = client_for(w.a.head)
    response = client.get(_url("assessment:class-results-export", w, format="csv"))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].startswith("attachment")
    assert w.a.student.last_name in text and "13.5" in text
    response = client.get(_url("assessment:class-results-export", w, format="xlsx"))
    assert response.content[:2] == b"PK"


# -- The class council -------------------------------------------------------------------------------


def test_opening_the_council_creates_it_once_and_is_audited(w, client_for):
    client = client_for(w.a.teacher)
    assert client.get(_url("assessment:council", w)).status_code == 200
    assert client.get(_url("assessment:council", w)).status_code == 200
    assert Council.objects.filter(school_class=w.a.school_class).count() == 1
    assert AuditEvent.objects.filter(action="assessment.class_read", actor=w.a.teacher).count() == 2


def test_the_homeroom_teacher_fills_the_council_and_marks_it_prepared(w, client_for):
    client = client_for(w.a.teacher)
    client.get(_url("assessment:council", w))
    data = {
        "council-class_comment": "A lively class.",
        "council-held_on": "2026-12-10",
        "council-version": "0",
        **_row(w.a.student, comment="Good term.", mention=Mention.COMPLIMENTS, decision="Keep going"),
        "action": "prepare",
    }
    response = client.post(_url("assessment:council", w), data)
    assert response.status_code == 302
    council = Council.objects.get(school_class=w.a.school_class)
    assert council.status == Council.Status.PREPARED and council.class_comment == "A lively class."
    assert council.prepared_by_id == w.a.teacher.pk
    decision = CouncilDecision.objects.get(council=council, student=w.a.student)
    assert (decision.general_comment, decision.mention, decision.decision) == (
        "Good term.",
        "compliments",
        "Keep going",
    )
    page = client.get(_url("assessment:council", w)).content.decode()
    assert "Good term." in page


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_lost(w, client_for):
    other = add_students(w.a, 1)[0]
    client = client_for(w.a.teacher)
    data = {
        **_row(w.a.student, comment="x" * 50_000),
        **_row(other, comment="Fine.", mention="gold_medal"),
        "action": "save",
    }
    response = client.post(_url("assessment:council", w), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_s{w.a.student.pk}-general_comment_error"' in page
    assert "at most 2000 characters" in page
    assert f'id="id_s{other.pk}-mention_error"' in page
    assert "x" * 50_000 in page  # what was typed is kept
    assert not CouncilDecision.objects.exists()


def test_a_row_changed_meanwhile_is_refused_and_the_others_are_saved(w, client_for):
    other = add_students(w.a, 1)[0]
    council = council_of(w.a)
    CouncilDecision.objects.create(
        establishment=w.a.establishment, council=council, student=w.a.student, general_comment="First", version=3
    )
    client = client_for(w.a.teacher)
    data = {**_row(w.a.student, comment="Mine", version=2), **_row(other, comment="Saved"), "action": "save"}
    response = client.post(_url("assessment:council", w), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this" in page and "First" in page and "Mine" in page
    assert CouncilDecision.objects.get(student=w.a.student).general_comment == "First"
    assert CouncilDecision.objects.get(student=other).general_comment == "Saved"


def test_statuses_follow_the_rules(w, client_for):
    teacher, head = client_for(w.a.teacher), client_for(w.a.head)
    url = _url("assessment:council", w)
    teacher.get(url)
    council = Council.objects.get(school_class=w.a.school_class)
    teacher.post(url, {"action": "validate"})
    council.refresh_from_db()
    assert council.status == Council.Status.OPEN  # the homeroom teacher cannot validate
    teacher.post(url, {"action": "prepare"})
    head.post(url, {"action": "validate"})
    council.refresh_from_db()
    assert council.status == Council.Status.VALIDATED and council.validated_by_id == w.a.head.pk
    # Validated: the homeroom teacher can no longer change it, the head can.
    teacher.post(url, {**_row(w.a.student, comment="Late change"), "action": "save"})
    assert not CouncilDecision.objects.exists()
    head.post(url, {"action": "send_back"})
    council.refresh_from_db()
    assert council.status == Council.Status.OPEN and council.validated_by_id is None


def test_publish_needs_report_cards_and_reopen_is_audited(w, client_for):
    council = council_of(w.a, Council.Status.VALIDATED)
    head = client_for(w.a.head)
    head.post(_url("assessment:council-publish", w))
    council.refresh_from_db()
    assert council.status == Council.Status.VALIDATED  # no report card yet
    council.status = Council.Status.PUBLISHED
    council.save(update_fields=["status"])
    head.post(_url("assessment:council-reopen", w))
    council.refresh_from_db()
    assert council.status == Council.Status.VALIDATED
    assert AuditEvent.objects.filter(action="assessment.council_reopen", actor=w.a.head).exists()


def test_a_published_council_is_locked_except_for_the_head(w, client_for):
    council_of(w.a, Council.Status.PUBLISHED)
    url = _url("assessment:council", w)
    page = client_for(w.a.teacher).get(url).content.decode()
    assert "the period is locked" in page and 'name="action"' not in page
    client_for(w.a.teacher).post(url, {**_row(w.a.student, comment="Too late"), "action": "save"})
    assert not CouncilDecision.objects.exists()
    client_for(w.a.head).post(url, {**_row(w.a.student, comment="Head's fix"), "action": "save"})
    assert CouncilDecision.objects.get().general_comment == "Head's fix"


@pytest.mark.parametrize("students", [1, 35])
def test_the_council_page_costs_a_fixed_number_of_queries(w, client_for, django_assert_num_queries, students):
    add_students(w.a, students - 1)
    mark_everyone(w.a, add_teachings(w.a, 3), 2)
    client = client_for(w.a.teacher)
    url = _url("assessment:council", w)
    client.get(url)
    with django_assert_num_queries(QUERIES_COUNCIL):
        response = client.get(url)
    assert response.content.decode().count('class="card ass-student"') == students


QUERIES_COUNCIL = 18


def test_the_homeroom_teacher_downloads_the_report_cards_but_only_the_head_acts_on_them(w, client_for):
    from .. import report_cards
    from ..models import ReportCard

    council = council_of(w.a, Council.Status.VALIDATED)
    report_cards.generate_for_council(council, requested_by=w.a.head)
    card = ReportCard.objects.get(council=council, student=w.a.student)
    url = _url("assessment:council", w)
    page = client_for(w.a.teacher).get(url).content.decode()
    assert reverse("assessment:report-card-file", kwargs={"pk": card.pk}) in page
    assert "/bulletins/generer/" not in page and "/conseil/publier/" not in page
    page = client_for(w.a.head).get(url).content.decode()
    assert "/bulletins/generer/" in page and "/conseil/publier/" in page


def test_a_group_teachings_class_figures_are_over_the_class_only(w, client_for):
    latin = latin_across_classes(w.a)
    test = assessment_for(w.a, teaching=latin)
    mark_for(test, w.a.student.pk, "18")
    mark_for(test, w.a.student2.pk, "4")
    page = client_for(w.a.head).get(_url("assessment:class-results", w)).content.decode()
    assert "Latin" in page and "18.00" in page and "4.00" not in page and "11.00" not in page


def test_a_bad_day_for_the_council_is_shown_and_the_rows_are_kept(w, client_for):
    client = client_for(w.a.teacher)
    client.get(_url("assessment:council", w))
    data = {
        "council-held_on": "31/02/2026",
        "council-version": "0",
        **_row(w.a.student, comment="Kept while the day is wrong."),
        "action": "prepare",
    }
    response = client.post(_url("assessment:council", w), data)
    page = response.content.decode()
    assert response.status_code == 200 and 'id="id_council-held_on_error"' in page
    assert "Kept while the day is wrong." in page
    assert Council.objects.get().status == Council.Status.OPEN  # not prepared while a row is refused
