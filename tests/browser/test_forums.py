"""A collège student starts a topic in the class forum; the teacher replies and locks it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from romsie.core.testing.world import World
from romsie.forums.models import Reply, Topic
from romsie.forums.tests.builders import class_forum, enable

from .support import Journey, editor


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_student_starts_a_topic_the_teacher_replies_and_locks_it(
    journey: Journey, world: World, another_journey: Callable[[str], Journey], viewport: str
) -> None:
    a = world.a
    enable(a)
    forum = class_forum(a)
    category = forum.categories.get()
    page = journey.page

    # The student goes from the menu to the class forum and opens a topic.
    journey.sign_in(a.student.username)
    journey.open_menu()
    journey.follow(f"nav.services-nav a[href='{journey.route('forums:forum-list')}']")
    journey.follow(f"main a[href='{journey.route('forums:forum-detail', forum.pk)}']")
    journey.follow(f"main a[href='{journey.route('forums:topic-create', category.pk)}']")
    page.fill("#id_title", "Exposé sur les volcans")
    page.fill(editor("id_body"), "Qui veut travailler avec moi sur les volcans ?")
    journey.submit("main form.forums-topic-form button[type=submit]")
    topic = Topic.objects.get(title="Exposé sur les volcans")
    journey.assert_at("forums:topic-detail", topic.pk)
    expect(page.locator("main .forums-replies")).to_contain_text("Qui veut travailler avec moi")
    journey.check()

    # The teacher, on a computer, finds the unread topic, replies and locks it.
    teacher = another_journey("desktop")
    teacher.sign_in(a.teacher.username)
    teacher.open("forums:forum-detail", forum.pk)
    expect(teacher.page.locator("main .forums-topic-unread")).to_contain_text("Exposé sur les volcans")
    teacher.follow(f"main a[href='{teacher.route('forums:topic-detail', topic.pk)}']")
    teacher.page.fill(editor("id_body"), "Bonne idée : pensez à citer vos sources.")
    teacher.submit("main form.forums-reply-form button[type=submit]")
    teacher.check()
    expect(teacher.page.locator("main #reply-2")).to_contain_text("citer vos sources")
    teacher.submit("main .forums-moderation button[value=lock]")
    teacher.check()
    expect(teacher.page.locator("#topic-status")).to_contain_text("Verrouillé")
    assert Reply.objects.filter(topic=topic).count() == 2

    # The student sees the reply, marked new, and may no longer answer.
    journey.open("forums:topic-detail", topic.pk)
    expect(page.locator("main #reply-2")).to_contain_text("citer vos sources")
    expect(page.locator("main #reply-2 .forums-unread")).to_be_visible()
    expect(page.locator("#topic-locked")).to_be_visible()
    expect(page.locator("main form.forums-reply-form")).to_have_count(0)
