"""A pupil writes a post on the class blog, the teacher validates it, a parent reads it on a phone."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from romsie.blogs.models import Post
from romsie.blogs.tests.helpers import class_blog
from romsie.core.testing.world import World

from .support import Journey, editor


def test_a_pupil_writes_a_post_the_teacher_validates_it_a_parent_reads_it_on_a_phone(
    journey: Journey, world: World, another_journey: Callable[[str], Journey]
) -> None:
    b = world.b  # an elementary school: the pupil's post always waits for validation
    blog = class_blog(b, title="Le blog des CE2")
    page = journey.page

    # The pupil goes from the menu to the class blog and writes a post.
    journey.sign_in(b.student.username)
    journey.open_menu()
    journey.follow(f"nav.services-nav a[href='{journey.route('blogs:blog-list')}']")
    journey.follow(f"main a[href='{journey.route('blogs:blog-detail', blog.pk)}']")
    journey.follow(f"main a[href='{journey.route('blogs:post-create', blog.pk)}']")
    page.fill("#id_title", "Notre visite à la ferme")
    page.fill(editor("id_body"), "Nous avons nourri les chèvres.")
    journey.submit("main form button[name=action][value=submit]")
    post = Post.objects.get()
    journey.assert_at("blogs:post-detail", post.pk)
    journey.check()
    assert post.status == Post.Status.PENDING
    expect(page.locator("#post-status")).to_be_visible()

    # The teacher validates it from the queue.
    teacher = another_journey("desktop")
    teacher.sign_in(b.teacher.username)
    teacher.open("blogs:blog-detail", blog.pk)
    teacher.follow(f"main a[href='{teacher.route('blogs:blog-queue', blog.pk)}']")
    expect(teacher.page.locator("main")).to_contain_text("Notre visite à la ferme")
    teacher.submit(f"main form[action='{teacher.route('blogs:post-validate', post.pk)}'] button")
    teacher.assert_at("blogs:blog-queue", blog.pk)
    teacher.check()
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED

    # A parent of the class reads it on a phone.
    parent = another_journey("phone")
    parent.sign_in(b.parent.username)
    parent.open_menu()
    parent.follow(f"nav.services-nav a[href='{parent.route('blogs:blog-list')}']")
    parent.follow(f"main a[href='{parent.route('blogs:blog-detail', blog.pk)}']")
    parent.follow(f"main a[href='{parent.route('blogs:post-detail', post.pk)}']")
    expect(parent.page.locator("main .post-body")).to_contain_text("Nous avons nourri les chèvres.")
