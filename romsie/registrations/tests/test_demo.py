"""The demo content: a full club with a waiting list in a collège, after-school care with consents in a school."""

from __future__ import annotations

from romsie.registrations import demo
from romsie.registrations.models import Activity, ConsentSignature, DocumentUpload, Registration


def test_demo_fills_a_college_club_and_a_primary_after_school_care(reg_world):
    w = reg_world
    rows = demo.populate([w.a.establishment.pk, w.b.establishment.pk], seed=1)

    club = Activity.objects.get(establishment=w.a.establishment, kind=Activity.Kind.CLUB)
    assert club.organisers.filter(pk=w.a.partner.pk).exists()
    care = Activity.objects.get(establishment=w.b.establishment, kind=Activity.Kind.AFTER_SCHOOL)
    assert set(care.consents.values_list("name", flat=True)) == {"Droit à l'image", "Sortie seul", "Soins médicaux"}
    assert Registration.objects.filter(activity__establishment=w.a.establishment).exists()
    assert ConsentSignature.objects.filter(registration__activity=care).count() == 3 * care.registrations.count()
    assert DocumentUpload.objects.filter(registration__activity=care).count() == (
        1 if care.registrations.exists() else 0
    )
    assert rows > 5
    assert not Activity.objects.filter(establishment=w.c.establishment).exists()
