import pytest
from romsie.core.testing.world import World
from .support import Journey

WIDEST = """() => { const vw = document.documentElement.clientWidth; const out = [];
for (const el of document.querySelectorAll('body *')) { const r = el.getBoundingClientRect();
 if (r.right > vw + 1) out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right)); }
return [document.documentElement.scrollWidth, out.slice(0, 8)]; }"""


@pytest.mark.parametrize("viewport", ["phone"])
def test_widths(journey: Journey, world: World, viewport: str) -> None:
    journey.sign_in(world.a.head.username)
    for name in ["administration:class-list", "administration:habilitations-update", "administration:person-list",
                 "administration:teaching-list", "administration:subject-list"]:
        journey.open(name)
        print(name, journey.page.evaluate(WIDEST))
    journey.open("administration:person-detail", world.a.student.pk)
    print("person", journey.page.evaluate(WIDEST))
