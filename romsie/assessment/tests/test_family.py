"""Students' and guardians' pages: marks and averages, the "what if" simulation, report cards, the widget."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from romsie.core import versions
from romsie.core.testing.factories import scope_of
from romsie.identity.models import Guardianship
from romsie.schooling.models import Period

from .. import services
from ..models import Assessment, Council, Mark, MarkStatus, SubjectWeight
from .builders import enable, period_of
from .builders_family import marked, published_card, second_teaching

pytestmark = pytest.mark.usefixtures("english")

MARKS = reverse("assessment:my-marks")
WHAT_IF = reverse("assessment:what-if")
CARDS = reverse("assessment:my-report-cards")


@pytest.fixture
def w(world):
    enable(world.a, world.b, world.c)
    period_of(world.a)
    return world


# -- The marks page --------------------------------------------------------------------------------


def test_the_parent_sees_published_marks_by_subject_with_averages_and_class_figures(w, client_for):
    french = second_teaching(w.a)
    first = marked(w.a, "12", title="Fractions", others=("8", "16"))
    Mark.objects.filter(assessment=first, student=w.a.student).update(comment="Good progress")
    marked(w.a, "30", title="Geometry", out_of="40", weight="2", days_ago=3)
    marked(w.a, None, title="Oral", status=MarkStatus.ABSENT, days_ago=2)
    marked(w.a, "14", title="Dictée", teaching=french)
    page = client_for(w.a.parent).get(MARKS).content.decode()
    assert "Marks of" in page and "Fractions" in page and "Geometry" in page and "Dictée" in page
    assert "Good progress" in page and "Absent" in page
    # Maths: (12 + 2 × 15) / 3 = 14; French 14; overall 14.
    assert "<strong>14.00</strong>/20" in page
    assert "Class: min 8.00 · max 16.00 · mean 12.00" in page
    assert w.a.teacher.get_full_name() in page
    assert page.index("Dictée") < page.index("Fractions")  # subjects by name: Français, Mathématiques


def test_marks_not_yet_published_are_invisible_and_unmentioned(w, client_for):
    marked(w.a, "15", title="Published test")
    hidden = marked(w.a, "3", title="Secret test", publish_in=2, days_ago=0)
    for person in (w.a.parent, w.a.student):
        page = client_for(person).get(MARKS).content.decode()
        assert "Published test" in page and "Secret test" not in page
        assert f'id="mark-{hidden.pk}"' not in page
        assert "<strong>15.00</strong>/20" in page  # the hidden 3 does not count in the average


def test_a_publication_date_reached_shows_the_mark_at_once(w, client_for, django_capture_on_commit_callbacks):
    hidden = marked(w.a, "17", title="Soon", publish_in=1, days_ago=0)
    client = client_for(w.a.parent)
    assert "Soon" not in client.get(MARKS).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        hidden.publish_on = timezone.localdate()
        hidden.save()
    assert "Soon" in client.get(MARKS).content.decode()


def test_the_latest_view_lists_marks_newest_first(w, client_for):
    old = marked(w.a, "10", title="Old one", days_ago=9)
    new = marked(w.a, "11", title="New one", days_ago=1, teaching=second_teaching(w.a))
    page = client_for(w.a.student).get(MARKS + "?vue=recentes").content.decode()
    assert page.index(f'id="mark-{new.pk}"') < page.index(f'id="mark-{old.pk}"')
    assert "Show by subject" in page


def test_periods_are_links_and_an_unknown_or_foreign_period_answers_404(w, client_for):
    from romsie.schooling.models import SchoolYear

    current = period_of(w.a)
    year = SchoolYear.objects.get(establishment=w.a.establishment, is_current=True)
    later = Period.objects.create(
        establishment=w.a.establishment,
        school_year=year,
        name="Trimestre 2",
        starts_on=current.ends_on + datetime.timedelta(days=1),
        ends_on=current.ends_on + datetime.timedelta(days=90),
    )
    marked(w.a, "12", title="In the first")
    client = client_for(w.a.parent)
    page = client.get(MARKS).content.decode()
    assert f"?periode={later.pk}" in page and "In the first" in page
    page = client.get(MARKS + f"?periode={later.pk}").content.decode()
    assert "In the first" not in page and "No mark published in Trimestre 2 yet." in page
    assert client.get(MARKS + "?periode=99999999").status_code == 404
    assert client.get(MARKS + f"?periode={period_of(w.c).pk}").status_code == 404
    assert client.get(MARKS + "?periode=abc").status_code == 200  # unreadable: the current period, as on every page


def test_the_cached_periods_follow_a_change_at_once(w, client_for):
    client = client_for(w.a.student)
    current = period_of(w.a)
    assert "Trimestre 1" in client.get(MARKS).content.decode()  # the periods are cached from here on
    current.name = "Premier trimestre"
    current.save()
    later = Period.objects.create(
        establishment=w.a.establishment,
        school_year=current.school_year,
        name="Trimestre 2",
        starts_on=current.ends_on + datetime.timedelta(days=1),
        ends_on=current.ends_on + datetime.timedelta(days=90),
    )
    page = client.get(MARKS).content.decode()
    assert "Premier trimestre" in page and f"?periode={later.pk}" in page
    later_pk = later.pk
    later.delete()
    assert f"?periode={later_pk}" not in client.get(MARKS).content.decode()


def test_subject_weights_of_the_establishment_weigh_the_overall_average(w, client_for):
    french = second_teaching(w.a)
    marked(w.a, "10")
    marked(w.a, "16", teaching=french)
    SubjectWeight.objects.create(establishment=w.a.establishment, subject=french.subject, weight=3)
    page = client_for(w.a.student).get(MARKS).content.decode()
    # (10 × 1 + 16 × 3) / 4 = 14.5
    assert "Overall average" in page and "<strong>14.50</strong>/20" in page and "weight 3" in page


def test_no_mark_yet_is_a_clear_empty_state(w, client_for):
    page = client_for(w.a.student).get(MARKS).content.decode()
    assert "No mark published in Trimestre 1 yet." in page


def test_a_parent_without_a_child_here_gets_the_picker_and_nobody_elses_marks(w, client_for):
    marked(w.a, "13", title="Child's test")
    other = marked(w.a, "7", title="Other child's test")
    Mark.objects.filter(assessment=other).update(student=w.a.student2)
    Guardianship.objects.filter(guardian=w.a.parent).delete()
    for url in (MARKS, CARDS):
        response = client_for(w.a.parent).get(url)
        page = response.content.decode()
        assert response.status_code == 200 and "No child of yours is enrolled here" in page
        assert "Child&#x27;s test" not in page and "Other child" not in page
        assert w.a.student2.last_name not in page and w.a.student.last_name not in page


def test_a_guardian_of_two_children_switches_child(w, client_for):
    Guardianship.objects.create(establishment=w.a.establishment, guardian=w.a.parent, student=w.a.student2)
    teaching2 = second_teaching(w.a)
    teaching2.school_class = w.a.class2
    teaching2.save()
    marked(w.a, "13", title="First child's test")
    second = marked(w.a, "7", title="Second child's test", teaching=teaching2)
    Mark.objects.filter(assessment=second).update(student=w.a.student2)
    client = client_for(w.a.parent)
    client.post(reverse("identity:context-switch"), {"child": w.a.student.pk})
    assert "First child" in client.get(MARKS).content.decode()
    client.post(reverse("identity:context-switch"), {"child": w.a.student2.pk})
    page = client.get(MARKS).content.decode()
    assert "Second child" in page and "First child" not in page


def test_another_student_never_sees_the_students_marks(w, client_for):
    marked(w.a, "13", title="Not yours")
    page = client_for(w.a.student2).get(MARKS).content.decode()
    assert "Not yours" not in page


def test_staff_are_sent_away_from_the_families_pages(w, client_for):
    for person in (w.a.teacher, w.a.head):
        assert client_for(person).get(MARKS).status_code == 403
        assert client_for(person).get(CARDS).status_code == 403
        assert client_for(person).get(WHAT_IF).status_code == 403
    assert client_for(w.a.parent).get(WHAT_IF).status_code == 403


def test_the_home_sends_families_to_their_marks(w, client_for):
    response = client_for(w.a.parent).get(reverse("assessment:home"))
    assert response.status_code == 302 and response["Location"] == MARKS


def _many(w, count):
    french = second_teaching(w.a)
    for index in range(count):
        marked(
            w.a, str(index % 20), title=f"Test {index}", days_ago=index % 30 + 1, others=("12",) if index < 2 else ()
        )
        marked(w.a, "15", title=f"Dictée {index}", teaching=french, weight="2")


@pytest.mark.parametrize("view", ["", "?vue=recentes"])
def test_the_marks_page_costs_the_same_for_1_and_20_assessments(w, client_for, django_assert_num_queries, view):
    client = client_for(w.a.parent)
    _many(w, 1)
    client.get(MARKS)  # warm the scope's cache
    versions.bump(versions.Kind.ASSESSMENT_MARKS, w.a.student.pk)
    # The session, the person and the five of the marks (the periods come from the cache).
    with django_assert_num_queries(7) as one:
        client.get(MARKS + view)
    cold = len(one.captured_queries)  # read now: the connection keeps only the last 9,000 queries
    # The session and the person: the year's periods and the marks come from the cache.
    with django_assert_num_queries(2):
        client.get(MARKS + view)
    _many(w, 19)
    client.get(MARKS)  # the new teaching moved the structure: the periods are read again once
    versions.bump(versions.Kind.ASSESSMENT_MARKS, w.a.student.pk)
    with django_assert_num_queries(cold):
        response = client.get(MARKS + view)
    assert response.content.decode().count('id="mark-') == 40


# -- What if -----------------------------------------------------------------------------------------


def _rows(*rows, total=None):
    data = {"hyp-TOTAL_FORMS": str(total or len(rows)), "hyp-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"hyp-{index}-{key}"] = value
    return data


def test_what_if_adds_hypothetical_marks_to_the_real_ones_and_writes_nothing(w, client_for, django_assert_num_queries):
    french = second_teaching(w.a)
    marked(w.a, "10")
    marked(w.a, "12", teaching=french)
    client = client_for(w.a.student)
    page = client.get(WHAT_IF).content.decode()
    assert 'name="hyp-0-value"' in page and "Add another mark" in page
    marks_before = Mark.objects.count()
    data = _rows(
        {"subject": w.a.subject.pk, "value": "18", "out_of": "20", "weight": "1"},
        {"subject": french.subject.pk, "value": "8", "out_of": "10", "weight": "2"},
        {"subject": w.a.subject.pk, "value": "", "out_of": "20", "weight": "1"},  # left empty: ignored
    )
    page = client.post(WHAT_IF, data).content.decode()
    # Maths (10 + 18) / 2 = 14; French (12 + 2 × 16) / 3 = 14.67; overall 14.33 (was 11).
    assert 'id="what-if-result"' in page
    assert "<strong>14.00</strong>" in page and "<strong>14.67</strong>" in page
    assert '<td id="what-if-overall"><strong>14.33</strong></td>' in page and "11.00" in page
    assert Mark.objects.count() == marks_before


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ({"value": "25", "out_of": "20", "weight": "1"}, "The mark cannot be more than the scale (out of 20)."),
        ({"value": "-1", "out_of": "20", "weight": "1"}, "A mark cannot be negative."),
        ({"value": "douze", "out_of": "20", "weight": "1"}, "Enter a number, such as 12 or 12.5."),
        ({"value": "12", "out_of": "20", "weight": "0"}, "The weight must be more than 0."),
        ({"value": "12", "out_of": "0", "weight": "1"}, "The scale must be at least 1."),
    ],
)
def test_what_if_bad_input_is_refused_next_to_the_field_and_the_other_rows_kept(w, client_for, row, error):
    marked(w.a, "10")
    good = {"subject": w.a.subject.pk, "value": "17.5", "out_of": "20", "weight": "1"}
    page = client_for(w.a.student).post(WHAT_IF, _rows(good, {"subject": w.a.subject.pk, **row})).content.decode()
    assert error in page and 'class="error" id="id_hyp-1-' in page
    assert 'value="17.5"' in page and 'id="what-if-result"' not in page


def test_what_if_adds_a_row_without_script(w, client_for):
    marked(w.a, "10")
    data = _rows({"subject": w.a.subject.pk, "value": "16", "out_of": "20", "weight": "1"})
    page = client_for(w.a.student).post(WHAT_IF, {**data, "add": "1"}).content.decode()
    assert 'name="hyp-1-value"' in page and 'value="16"' in page and 'name="hyp-2-value"' not in page
    assert '<input type="text" name="hyp-1-out_of" value="20"' in page and "This field is required" not in page
    assert "<strong>13.00</strong>" in page  # the typed rows are worked out at once


def test_what_if_refuses_a_subject_the_student_does_not_follow(w, client_for):
    marked(w.a, "10")
    data = _rows({"subject": w.c.subject.pk, "value": "16", "out_of": "20", "weight": "1"})
    page = client_for(w.a.student).post(WHAT_IF, data).content.decode()
    assert "Select a valid choice" in page and 'id="what-if-result"' not in page


def test_what_if_ignores_unpublished_marks(w, client_for):
    marked(w.a, "10")
    marked(w.a, "20", publish_in=3, days_ago=0)
    data = _rows({"subject": w.a.subject.pk, "value": "14", "out_of": "20", "weight": "1"})
    page = client_for(w.a.student).post(WHAT_IF, data).content.decode()
    assert '<td id="what-if-overall"><strong>12.00</strong></td>' in page


# -- Report cards ----------------------------------------------------------------------------------


def test_report_cards_are_listed_once_published_with_their_download(w, client_for):
    client = client_for(w.a.parent)
    page = client.get(CARDS).content.decode()
    assert "No report card is published yet" in page
    card = published_card(w.a, status=Council.Status.VALIDATED)
    assert reverse("assessment:report-card-file", args=[card.pk]) not in client.get(CARDS).content.decode()
    Council.objects.filter(pk=card.council_id).update(status=Council.Status.PUBLISHED)
    versions.bump(versions.Kind.ASSESSMENT_MARKS, w.a.student.pk)  # as publishing does
    page = client.get(CARDS).content.decode()
    assert reverse("assessment:report-card-file", args=[card.pk]) in page and "Trimestre 1" in page
    assert client.get(reverse("assessment:report-card-file", args=[card.pk])).status_code == 200
    other_page = client_for(w.a.student2).get(CARDS).content.decode()
    assert reverse("assessment:report-card-file", args=[card.pk]) not in other_page


def test_publishing_and_taking_back_report_cards_show_at_once(w, client_for, django_capture_on_commit_callbacks):
    client = client_for(w.a.parent)
    card = published_card(w.a, status=Council.Status.VALIDATED)
    link = reverse("assessment:report-card-file", args=[card.pk])
    assert link not in client.get(CARDS).content.decode()  # cached without it
    head = scope_of(w.a.head)
    with django_capture_on_commit_callbacks(execute=True):
        services.council_publish(scope=head, council=card.council)
    assert link in client.get(CARDS).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.council_reopen(scope=head, council=Council.objects.get(pk=card.council_id))
    assert link not in client.get(CARDS).content.decode()


def test_the_report_card_list_costs_the_same_for_one_and_several(w, client_for, django_assert_num_queries):
    client = client_for(w.a.student)
    published_card(w.a)
    client.get(CARDS)
    with django_assert_num_queries(2):  # the session and the person: the list comes from the cache
        client.get(CARDS)
    versions.bump(versions.Kind.ASSESSMENT_MARKS, w.a.student.pk)
    with django_assert_num_queries(3) as one:  # and the report cards
        client.get(CARDS)
    first = period_of(w.a)
    for index in range(1, 4):
        period = Period.objects.create(
            establishment=w.a.establishment,
            school_year=first.school_year,
            name=f"P{index}",
            starts_on=first.starts_on,
            ends_on=first.ends_on,
        )
        published_card(w.a, period=period)
    versions.bump(versions.Kind.ASSESSMENT_MARKS, w.a.student.pk)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(CARDS).content.decode()
    assert page.count('class="asm-report-card"') == 4


# -- The dashboard widget --------------------------------------------------------------------------


def test_the_widget_shows_the_latest_published_marks_at_once(w, client_for, django_capture_on_commit_callbacks):
    client = client_for(w.a.parent)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert 'id="widget-assessment"' in page and "No mark published yet." in page
    with django_capture_on_commit_callbacks(execute=True):
        marked(w.a, "16.5", title="Fresh test")
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "Fresh test" in page and "16.5" in page and MARKS in page
    with django_capture_on_commit_callbacks(execute=True):
        marked(w.a, "2", title="Hidden test", publish_in=5, days_ago=0)
    assert "Hidden test" not in client.get(reverse("core:dashboard")).content.decode()


def test_the_widget_follows_a_mark_edited_and_an_assessment_deleted(w, client_for, django_capture_on_commit_callbacks):
    client = client_for(w.a.student)
    with django_capture_on_commit_callbacks(execute=True):
        assessment = marked(w.a, "9", title="Edited test")
    assert "Edited test" in client.get(reverse("core:dashboard")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assessment.title = "Renamed test"
        assessment.save()
    assert "Renamed test" in client.get(reverse("core:dashboard")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Assessment.objects.filter(pk=assessment.pk).delete()
    assert "Renamed test" not in client.get(reverse("core:dashboard")).content.decode()


def test_the_widget_shows_five_marks_in_one_query_and_none_once_cached(w, client_for, django_assert_num_queries):
    from django.test import RequestFactory

    from romsie.core.testing.factories import scope_of

    from .. import widgets_family

    for index in range(7):
        marked(w.a, str(10 + index), title=f"Test {index}", days_ago=index + 1)
    request = RequestFactory().get("/")
    request.user = w.a.student
    request.scope = scope_of(w.a.student)
    with django_assert_num_queries(1):
        context = widgets_family.marks_context(request)
    assert context is not None and [m.title for m in context["marks"]] == [f"Test {i}" for i in range(5)]
    client = client_for(w.a.student)
    client.get(reverse("core:dashboard"))
    with django_assert_num_queries(0):  # its stamp reads the cache only
        widgets_family.marks_stamp(request)


def test_the_cached_widget_reads_no_mark(w, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    marked(w.a, "12", title="Cached test")
    client = client_for(w.a.parent)
    assert "Cached test" in client.get(reverse("core:dashboard")).content.decode()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("core:dashboard")).content.decode()
    assert "Cached test" in page
    assert not [q for q in queries.captured_queries if "assessment_" in q["sql"]]
