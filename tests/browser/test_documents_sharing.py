"""Documents shared with a class: a teacher shares and hands out on a desktop, a student opens it on a
phone, a parent sees the child's class space when the school allows it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from romsie.core.testing.factories import scope_of
from romsie.core.testing.world import World
from romsie.documents import handouts, services, spaces
from romsie.documents.models import EstablishmentDocumentSettings, Node, Share, Space
from romsie.documents.tests.matrix import enable
from romsie.documents.tests.sharing_builders import pdf

from .support import Journey


def test_a_teacher_shares_with_a_class_and_a_student_opens_it_on_a_phone(
    journey: Journey, world: World, another_journey: Callable[[str], Journey]
) -> None:
    enable(world.a)
    a = world.a
    page = journey.page
    root = spaces.personal_space_for(scope_of(a.teacher)).root

    # The upload on a desktop: the file chosen, sent with its progress, then listed.
    journey.sign_in(a.teacher.username)
    journey.open("documents:home")
    page.locator("form[data-upload-form] input[type=file]").set_input_files(
        files=[{"name": "Fiche de révision.pdf", "mimeType": "application/pdf", "buffer": pdf("x.pdf", 400).read()}]
    )
    page.locator("form[data-upload-form] button[type=submit]").click()
    expect(page.locator("main table")).to_contain_text("Fiche de révision.pdf")  # sent, then the list reloaded
    file = Node.objects.get(space__owner=a.teacher, name="Fiche de révision.pdf")
    assert file.size_bytes == 400
    journey.open("documents:node-open", root.pk)
    expect(page.locator("main table")).to_contain_text("Fiche de révision.pdf")
    journey.check()
    journey.open("documents:share-list", file.pk)
    picker = page.locator("#id_audience")
    search = page.locator("#id_audience-q")
    search.press_sequentially(a.school_class.name, delay=20)
    students = picker.locator(f"input[value='class-students:{a.school_class.pk}']")
    expect(students).to_be_visible()
    students.check()
    expect(page.locator("#id_audience-chips li")).to_have_count(1)
    journey.check()
    journey.submit("main form.form button[type=submit]")
    journey.assert_at("documents:share-list", file.pk)
    journey.check()
    share = Share.objects.get(node=file)
    assert (share.kind, share.school_class_id, share.right) == ("class_students", a.school_class.pk, 1)
    expect(page.locator(".share-list")).to_contain_text(a.school_class.name)

    # The same file handed out: each student finds a read-only copy in "Received".
    journey.open("documents:node-open", root.pk)
    journey.follow(f"main a[href='{journey.route('documents:handout-create', file.pk)}']")
    page.locator(f"input[value='class-students:{a.school_class.pk}']").check()
    journey.submit("main form.form button[type=submit]")
    journey.check()
    assert Node.objects.filter(origin=file, space__owner=a.student, is_read_only=True).exists()

    student = another_journey("phone")
    student.sign_in(a.student.username)
    student.open("documents:shared-with-me")
    link = student.page.locator(f"main a[href='{student.route('documents:node-open', file.pk)}']")
    expect(link).to_contain_text("Fiche de révision.pdf")
    link.click()  # the file's page, with its preview
    student.check()
    expect(student.page.locator("main h1")).to_contain_text("Fiche de révision.pdf")
    with student.page.expect_download() as download:
        student.page.locator(f"main a[href='{student.route('documents:file-download', file.pk)}']").click()
    assert download.value.suggested_filename == "Fiche de révision.pdf"
    student.open("documents:space-list")
    student.open("documents:collection-list")


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_parent_sees_the_childs_class_space_when_the_school_allows_it(journey: Journey, world: World) -> None:
    enable(world.a)
    a = world.a
    handouts.class_spaces_ensure(a.establishment)
    class_space = Space.objects.get(school_class=a.school_class)
    services.file_upload(scope=scope_of(a.teacher), folder=class_space.root, upload=pdf("Sortie au musée.pdf"))

    journey.sign_in(a.parent.username)
    journey.open("documents:space-list")
    expect(journey.page.locator("main")).not_to_contain_text(class_space.name)

    EstablishmentDocumentSettings.objects.create(establishment=a.establishment, guardians_see_class_spaces=True)
    journey.open("documents:space-list")
    journey.follow(f"main a[href='{journey.route('documents:node-open', class_space.root_id)}']")
    expect(journey.page.locator("main")).to_contain_text("Sortie au musée.pdf")
