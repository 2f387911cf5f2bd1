"""An administrator prints a class's activation letters; each one lets its reader sign in."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from romsie.core.testing.world import World
from romsie.identity import services
from romsie.identity.models import User

from .support import Journey

PRINTED_CODE = re.compile(r"\b([A-Z2-9]{4})\s*-\s*([A-Z2-9]{4})\b")


def letter_for(pages: list[str], username: str) -> str:
    """Return the text of the one page that names ``username``."""
    found = [text for text in pages if username in text]
    assert len(found) == 1, f"{username} is on {len(found)} pages"
    return found[0]


@pytest.mark.parametrize("viewport", ["desktop"])
def test_head_prints_activation_letters_of_a_class(journey: Journey, world: World) -> None:
    a = world.a
    # The class's student and their parent never signed in; the other class's people did.
    User.objects.filter(pk__in=[a.student.pk, a.parent.pk]).update(activated_at=None)
    page = journey.page
    journey.sign_in(a.head.username)
    journey.follow(f"header nav.services-nav a[href='{journey.route('administration:home')}']")
    journey.open("administration:letters")

    page.select_option("#id_target", str(a.school_class.pk))
    expect(page.locator("#id_only_not_activated")).to_be_checked()
    with page.expect_download() as download_info:
        page.click("main form button[type=submit]")
    download = download_info.value

    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf_file:
        pdf = PdfReader(io.BytesIO(pdf_file.read()))
    pages = [pdf_page.extract_text() for pdf_page in pdf.pages]
    assert len(pages) == 2, "one page for the student, one for the parent"
    for person in (a.student, a.parent):
        letter = letter_for(pages, person.username)
        assert person.last_name in letter
        printed = PRINTED_CODE.search(letter)
        assert printed, f"no activation code on the letter of {person.username}"
        assert services.activation_code_check(username=person.username, code="".join(printed.groups())) == person
    assert a.student.get_full_name() in letter_for(pages, a.parent.username), "a family's letter names the child"
    everyone = "\n".join(pages)
    assert a.student2.username not in everyone and a.parent2.username not in everyone

    # The page stays usable after the download, and still passes the checks.
    journey.assert_at("administration:letters")
    journey.check()
