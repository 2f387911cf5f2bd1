import pytest
from django.urls import reverse


def test_pages_render_for_head(world, client_for):
    client = client_for(world.a.head)
    a = world.a
    urls = [
        reverse("administration:home"),
        reverse("administration:class-list"),
        reverse("administration:class-create"),
        reverse("administration:class-update", args=[a.school_class.pk]),
        reverse("administration:class-delete", args=[a.school_class.pk]),
        reverse("administration:group-list"),
        reverse("administration:group-create"),
        reverse("administration:subject-list"),
        reverse("administration:room-list"),
        reverse("administration:teaching-list"),
        reverse("administration:teaching-create"),
        reverse("administration:school-year-list"),
        reverse("administration:period-list"),
        reverse("administration:period-create"),
        reverse("administration:person-list"),
        reverse("administration:person-create"),
        reverse("administration:person-detail", args=[a.student.pk]),
        reverse("administration:person-detail", args=[a.parent.pk]),
        reverse("administration:person-deactivate", args=[a.teacher.pk]),
        reverse("administration:letters"),
        reverse("administration:activation-list"),
        reverse("administration:activation-detail", args=[a.school_class.pk]),
        reverse("administration:services-update"),
        reverse("administration:habilitations-update"),
    ]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    t = client_for(world.territory_admin)
    for url in [
        reverse("administration:territory-home"),
        reverse("administration:establishment-create"),
        reverse("administration:establishment-detail", args=[a.establishment.pk]),
        reverse("administration:establishment-update", args=[a.establishment.pk]),
        reverse("administration:establishment-deactivate", args=[a.establishment.pk]),
        reverse("administration:territory-ceiling-update", args=[world.north.pk]),
        reverse("core:dashboard"),
    ]:
        r = t.get(url)
        assert r.status_code == 200, (url, r.status_code)
