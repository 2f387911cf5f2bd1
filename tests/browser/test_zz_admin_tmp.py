import pytest

from romsie.core.testing.world import World
from romsie.identity.models import User

from .support import Journey


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_admin_pages(journey: Journey, world: World, viewport: str) -> None:
    a = world.a
    User.objects.filter(pk=a.parent.pk).update(activated_at=None)
    journey.sign_in(a.head.username)
    pages = [
        ("administration:home",),
        ("administration:class-list",),
        ("administration:class-create",),
        ("administration:class-update", a.school_class.pk),
        ("administration:class-delete", a.school_class.pk),
        ("administration:group-create",),
        ("administration:teaching-list",),
        ("administration:teaching-create",),
        ("administration:school-year-create",),
        ("administration:period-create",),
        ("administration:person-list",),
        ("administration:person-create",),
        ("administration:person-detail", a.student.pk),
        ("administration:person-detail", a.parent.pk),
        ("administration:person-deactivate", a.teacher.pk),
        ("administration:letters",),
        ("administration:activation-list",),
        ("administration:activation-detail", a.school_class.pk),
        ("administration:services-update",),
        ("administration:habilitations-update",),
    ]
    for name, *args in pages:
        journey.open(name, *args)
        if viewport == "phone":
            journey.page.screenshot(path=f"/tmp/shots/{name.split(':')[1]}.png", full_page=True)
    journey.page.click("text=Issue a new activation code") if False else None
    journey.open("administration:person-detail", a.student.pk)
    journey.submit("form[action$='/code/'] button")
    journey.check()
    if viewport == "phone":
        journey.page.screenshot(path="/tmp/shots/person-code.png", full_page=True)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_territory_pages(journey: Journey, world: World, viewport: str) -> None:
    journey.sign_in(world.territory_admin.username)
    for name, *args in [
        ("administration:territory-home",),
        ("administration:establishment-create",),
        ("administration:establishment-detail", world.a.establishment.pk),
        ("administration:establishment-update", world.a.establishment.pk),
        ("administration:establishment-deactivate", world.a.establishment.pk),
        ("administration:territory-ceiling-update", world.north.pk),
    ]:
        journey.open(name, *args)
        if viewport == "phone":
            journey.page.screenshot(path=f"/tmp/shots/{name.split(':')[1]}.png", full_page=True)
