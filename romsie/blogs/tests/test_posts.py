"""Writing on a blog: who writes, a student's post waits for validation, readers by audience."""

from __future__ import annotations

from django.urls import reverse

from romsie.blogs.models import Blog, Post
from romsie.core.models import AuditEvent
from romsie.core.testing.editing import page_text, race_on_form
from romsie.core.testing.factories import EnrollmentFactory, person
from romsie.identity.models import Role
from romsie.notifications.models import Notification
from romsie.schooling.models import Enrollment

from .helpers import class_blog, make_post


def write(client, blog, *, title="Notre sortie", body="Nous avons vu des tableaux.", action="submit", **extra):
    return client.post(
        reverse("blogs:post-create", args=[blog.pk]), {"title": title, "body": body, "action": action, **extra}
    )


def test_a_students_post_is_invisible_to_others_until_the_teacher_validates_it(world, client_for):
    a = world.a
    blog = class_blog(a)
    classmate = person(a.establishment, Role.STUDENT, username="classmate.a")
    EnrollmentFactory(school_class=a.school_class, student=classmate)
    response = write(client_for(a.student), blog)
    post = Post.objects.get()
    assert response.status_code == 302
    assert post.status == Post.Status.PENDING and post.published_at is None
    detail = reverse("blogs:post-detail", args=[post.pk])
    assert client_for(a.student).get(detail).status_code == 200  # its author
    assert client_for(a.teacher).get(detail).status_code == 200  # a moderator
    for reader in (a.parent, classmate):
        assert client_for(reader).get(detail).status_code == 404
        assert "Notre sortie" not in page_text(client_for(reader).get(reverse("blogs:blog-detail", args=[blog.pk])))
    assert not Notification.objects.filter(kind="blogs.post_published").exists()

    queue = client_for(a.teacher).get(reverse("blogs:blog-queue", args=[blog.pk]))
    assert "Notre sortie" in page_text(queue)
    assert client_for(a.teacher).post(reverse("blogs:post-validate", args=[post.pk])).status_code == 302

    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED and post.published_at is not None
    assert client_for(a.parent).get(detail).status_code == 200
    assert "Notre sortie" in page_text(client_for(classmate).get(reverse("blogs:blog-detail", args=[blog.pk])))
    readers = set(Notification.objects.filter(kind="blogs.post_published").values_list("recipient_id", flat=True))
    assert {a.parent.pk, classmate.pk, a.teacher.pk} <= readers
    assert a.student.pk not in readers  # the author is not told of their own post
    assert a.parent2.pk not in readers  # another class's family
    assert Notification.objects.filter(kind="blogs.post_validated", recipient=a.student).count() == 1
    assert AuditEvent.objects.filter(action="blogs.post_validate", actor=a.teacher).count() == 1


def test_a_refused_post_tells_its_author_why_and_stays_hidden(world, client_for):
    a = world.a
    post = make_post(class_blog(a), author=a.student, status=Post.Status.PENDING)
    response = client_for(a.teacher).post(
        reverse("blogs:post-refuse", args=[post.pk]), {"reason": "Relis l'orthographe"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.status, post.refusal_reason) == (Post.Status.REFUSED, "Relis l'orthographe")
    note = Notification.objects.get(kind="blogs.post_refused")
    assert note.recipient_id == a.student.pk and note.params["reason"] == "Relis l'orthographe"
    assert "Relis l'orthographe" in page_text(client_for(a.student).get(reverse("blogs:post-detail", args=[post.pk])))
    assert client_for(a.parent).get(reverse("blogs:post-detail", args=[post.pk])).status_code == 404


def test_a_refusal_without_a_reason_is_refused(world, client_for):
    a = world.a
    post = make_post(class_blog(a), author=a.student, status=Post.Status.PENDING)
    response = client_for(a.teacher).post(reverse("blogs:post-refuse", args=[post.pk]), {"reason": "  "})
    assert response.status_code == 200
    assert Post.objects.get(pk=post.pk).status == Post.Status.PENDING


def test_a_teachers_post_is_published_at_once_and_its_readers_notified(world, client_for):
    a = world.a
    blog = class_blog(a)
    assert write(client_for(a.teacher), blog, body="<p>Bonjour <script>alert(1)</script></p>").status_code == 302
    post = Post.objects.get()
    assert post.status == Post.Status.PUBLISHED
    assert "script" not in post.body  # the one sanitiser
    readers = set(Notification.objects.filter(kind="blogs.post_published").values_list("recipient_id", flat=True))
    assert {a.student.pk, a.parent.pk} <= readers
    assert a.teacher.pk not in readers


def test_a_student_may_not_write_where_the_blog_does_not_let_students_write(world, client_for):
    a = world.a
    blog = class_blog(a, students_may_write=False)
    assert client_for(a.student).get(reverse("blogs:post-create", args=[blog.pk])).status_code == 404
    assert write(client_for(a.student), blog).status_code == 404
    assert not Post.objects.exists()


def test_a_student_of_another_class_may_not_write_on_a_class_blog(world, client_for):
    a = world.a
    blog = class_blog(a)
    assert write(client_for(a.student2), blog).status_code == 404
    assert not Post.objects.exists()


def test_a_primary_pupils_post_always_waits_when_student_posts_are_off_for_the_level(world, client_for):
    b = world.b  # an elementary school: students' posts off by default
    blog = class_blog(b, validates_student_posts=False)
    assert write(client_for(b.student), blog).status_code == 302
    assert Post.objects.get().status == Post.Status.PENDING


def test_a_secondary_students_post_is_published_at_once_when_the_blog_does_not_validate(world, client_for):
    a = world.a
    blog = class_blog(a, validates_student_posts=False)
    assert write(client_for(a.student), blog).status_code == 302
    assert Post.objects.get().status == Post.Status.PUBLISHED


def test_a_draft_is_seen_by_its_author_only(world, client_for):
    a = world.a
    blog = class_blog(a)
    write(client_for(a.student), blog, action="draft")
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT
    detail = reverse("blogs:post-detail", args=[post.pk])
    assert client_for(a.student).get(detail).status_code == 200
    assert client_for(a.teacher).get(detail).status_code == 404
    assert "Notre sortie" in page_text(client_for(a.student).get(reverse("blogs:blog-detail", args=[blog.pk])))


def test_a_student_removed_from_the_class_loses_the_blog_at_once(world, client_for):
    a = world.a
    blog = class_blog(a)
    post = make_post(blog, author=a.teacher)
    client = client_for(a.student)
    assert client.get(reverse("blogs:post-detail", args=[post.pk])).status_code == 200
    Enrollment.objects.filter(student=a.student, school_class=a.school_class).delete()
    assert client.get(reverse("blogs:post-detail", args=[post.pk])).status_code == 404
    assert client.get(reverse("blogs:blog-detail", args=[blog.pk])).status_code == 404
    assert write(client, blog).status_code == 404


def test_two_moderators_editing_one_post_the_later_save_is_refused(world, client_for):
    a = world.a
    post = make_post(class_blog(a), author=a.teacher, title="Sortie")
    refused = race_on_form(
        reverse("blogs:post-update", args=[post.pk]),
        first=client_for(a.teacher),
        second=client_for(a.head),
        first_data={"title": "Sortie au musée", "body": "Version du professeur.", "action": "submit"},
        second_data={"title": "Sortie au parc", "body": "Version de la principale.", "action": "submit"},
    )
    assert "Version de la principale." in page_text(refused)
    post.refresh_from_db()
    assert post.title == "Sortie au musée"


def test_a_teacher_creates_a_class_blog_read_by_the_class_and_its_families_only(world, client_for):
    a = world.a
    data = {"kind": "class", "school_class": a.school_class.pk, "title": "Les 6e A", "comments": "before",
            "validates_student_posts": "on", "students_may_write": "on"}  # fmt: skip
    assert client_for(a.teacher).post(reverse("blogs:blog-create"), data).status_code == 302
    blog = Blog.objects.get()
    assert (blog.kind, blog.owner_id, blog.students_may_write) == ("class", a.teacher.pk, True)
    url = reverse("blogs:blog-detail", args=[blog.pk])
    for reader in (a.student, a.parent, a.teacher):
        assert client_for(reader).get(url).status_code == 200
    for stranger in (a.student2, a.parent2, a.partner, a.librarian):
        assert client_for(stranger).get(url).status_code == 404


def test_a_teacher_may_not_create_a_blog_for_a_class_they_do_not_teach(world, client_for):
    a = world.a
    data = {"kind": "class", "school_class": a.class2.pk, "title": "Les 6e B", "comments": "before"}
    response = client_for(a.teacher).post(reverse("blogs:blog-create"), data)
    assert response.status_code == 200
    assert not Blog.objects.exists()


def test_a_project_blog_has_named_authors_who_write(world, client_for):
    a = world.a
    data = {"kind": "project", "title": "Journal du club théâtre", "comments": "after",
            "authors": [f"user:{a.student2.pk}"], "students_may_write": "on"}  # fmt: skip
    assert client_for(a.teacher).post(reverse("blogs:blog-create"), data).status_code == 302
    blog = Blog.objects.get()
    assert list(blog.author_links.values_list("user_id", flat=True)) == [a.student2.pk]
    assert write(client_for(a.student2), blog).status_code == 302
    assert write(client_for(a.student), blog).status_code == 404


def test_a_blog_page_pages_its_posts_newest_first_with_a_cursor(world, client_for):
    a = world.a
    blog = class_blog(a)
    for i in range(25):
        make_post(blog, author=a.teacher, title=f"Billet {i:02d}")
    client = client_for(a.parent)
    first = client.get(reverse("blogs:blog-detail", args=[blog.pk]))
    assert [p.title for p in first.context["page"].entries][:2] == ["Billet 24", "Billet 23"]
    cursor = first.context["page"].next_cursor
    second = client.get(reverse("blogs:blog-detail", args=[blog.pk]), {"apres": cursor})
    assert [p.title for p in second.context["page"].entries] == [f"Billet {i:02d}" for i in range(4, -1, -1)]
    bad = client.get(reverse("blogs:blog-detail", args=[blog.pk]), {"apres": "99999999999999999999999.x"})
    assert bad.status_code == 200 and bad.context["page"].is_first
