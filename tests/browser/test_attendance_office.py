"""The school-life office on a phone: the CPE records a class's school trip and a whole-day absence by phone call."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from romsie.attendance.models import Absence, AbsenceReason, JustificationStatus
from romsie.attendance.tests.builders import enable
from romsie.attendance.tests.builders_office import session_on
from romsie.core.testing import factories as f
from romsie.core.testing.world import World
from romsie.identity.models import Role
from romsie.notifications.models import Notification

from .support import Journey


@pytest.mark.parametrize("viewport", ["phone"])
def test_the_cpe_records_a_school_trip_and_an_absence_by_phone_call_on_a_phone(journey: Journey, world: World) -> None:
    a = world.a
    enable(a)
    classmate = f.person(a.establishment, Role.STUDENT, username="camille.a", first_name="Camille", last_name="Durand")
    f.EnrollmentFactory(school_class=a.school_class, student=classmate)
    session_on(a.teaching, timezone.localdate(), 9)
    page = journey.page

    # From the menu, school life lands on the day's register.
    journey.sign_in(a.school_life.username)
    journey.open_menu()
    journey.follow(f"nav.services-nav a[href='{journey.route('attendance:home')}']")
    journey.assert_at("attendance:register")
    expect(page.locator("main .office-class")).to_have_count(2)

    # A school trip for the class: its students come ticked; the classmate stays behind.
    journey.follow(f"main nav a[href='{journey.route('attendance:outing-create')}']")
    page.select_option("#outing-class", str(a.school_class.pk))
    journey.submit("main form.office-inline button[type=submit]")
    journey.check()
    expect(page.locator(f"#id_students input[value='user:{a.student.pk}']")).to_be_checked()
    page.locator(f"#id_students input[value='user:{classmate.pk}']").uncheck()
    page.fill("#id_note", "Musée des Beaux-Arts")
    journey.submit("main form.office-form button[type=submit]")
    journey.assert_at("attendance:register")
    journey.check()
    trip = Absence.objects.get()
    assert (trip.student_id, trip.kind) == (a.student.pk, Absence.Kind.OUT_OF_SCHOOL)
    assert not Notification.objects.filter(kind="attendance.absence").exists()

    # The classmate's parent calls: ill today. Found by name, a whole day, with a reason.
    journey.follow(f"main nav a[href='{journey.route('attendance:absence-create')}']")
    page.locator("#id_student-q").press_sequentially("Durand", delay=20)
    found = page.locator(f"#id_student-results input[value='user:{classmate.pk}']")
    expect(found).to_be_visible()
    found.check()
    illness = AbsenceReason.objects.get(establishment=a.establishment, justifies=True, order=1)
    page.select_option("#id_reason", str(illness.pk))
    journey.check()
    journey.submit("main form.office-form button[type=submit]")
    journey.assert_at("attendance:register")
    absence = Absence.objects.get(kind=Absence.Kind.ABSENCE)
    assert absence.student_id == classmate.pk and absence.status == JustificationStatus.JUSTIFIED
    assert Notification.objects.filter(kind="attendance.absence", recipient=classmate).exists()

    # The class's register shows one out of school and one with a known absence.
    journey.follow(f"main .office-class a[href$='class={a.school_class.pk}']")
    expect(page.locator("main table .cell-out")).to_have_count(1)
    expect(page.locator("main table .cell-absent")).to_have_count(1)
