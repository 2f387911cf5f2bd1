"""The cached list of blogs: every write that changes it shows at once, by the person or by someone else."""

from __future__ import annotations

from django.urls import reverse

from romsie.blogs import services
from romsie.blogs.models import Blog, Post
from romsie.core.testing.editing import page_text
from romsie.core.testing.factories import EnrollmentFactory, GuardianshipFactory, scope_of
from romsie.identity.models import Role, RoleAssignment
from romsie.schooling import audiences
from romsie.schooling.audiences import AudienceChoice

from .helpers import class_blog, make_post

LIST = reverse("blogs:blog-list")


def settings_of(blog: Blog, **changes) -> services.BlogData:
    data = {
        "title": blog.title,
        "description": blog.description,
        "students_may_write": blog.students_may_write,
        "validates_student_posts": blog.validates_student_posts,
        "comments": blog.comments,
    }
    return services.BlogData(**{**data, **changes})


def test_a_blog_created_shows_at_once_to_its_owner_and_its_readers(
    world, client_for, django_capture_on_commit_callbacks
):
    a = world.a
    teacher, parent = client_for(a.teacher), client_for(a.parent)
    assert "No blog for you at the moment." in page_text(teacher.get(LIST))
    assert "No blog for you at the moment." in page_text(parent.get(LIST))
    with django_capture_on_commit_callbacks(execute=True):
        services.blog_create(
            scope=scope_of(a.teacher),
            kind=Blog.Kind.CLASS,
            data=services.BlogData(title="Carnet de la 6e A"),
            school_class_id=a.school_class.pk,
        )
    assert "Carnet de la 6e A" in page_text(teacher.get(LIST))  # by the person
    assert "Carnet de la 6e A" in page_text(parent.get(LIST))  # by someone else
    with django_capture_on_commit_callbacks(execute=True):
        services.blog_create(
            scope=scope_of(a.head), kind=Blog.Kind.ESTABLISHMENT, data=services.BlogData(title="Le CDI")
        )
    assert "Le CDI" in page_text(parent.get(LIST))


def test_a_blogs_settings_and_readers_show_at_once(world, client_for, django_capture_on_commit_callbacks):
    a = world.a
    blog = class_blog(a, title="Le blog de la classe")
    teacher, parent = client_for(a.teacher), client_for(a.parent)
    assert "Le blog de la classe" in page_text(parent.get(LIST))
    assert "Le blog de la classe" in page_text(teacher.get(LIST))
    with django_capture_on_commit_callbacks(execute=True):
        services.blog_update(
            scope=scope_of(a.teacher), blog=blog, data=settings_of(blog, title="Nos sorties"), version=blog.version
        )
    assert "Nos sorties" in page_text(parent.get(LIST))
    assert "Nos sorties" in page_text(teacher.get(LIST))
    blog.refresh_from_db()
    only_teachers = AudienceChoice.of([audiences.TEACHERS], classes=[a.school_class.pk])
    with django_capture_on_commit_callbacks(execute=True):
        services.blog_update(
            scope=scope_of(a.teacher), blog=blog, data=settings_of(blog, audience=only_teachers), version=blog.version
        )
    assert "Nos sorties" not in page_text(parent.get(LIST))  # no longer a reader


def test_posts_published_validated_and_deleted_show_at_once_in_the_counts(
    world, client_for, django_capture_on_commit_callbacks
):
    a = world.a
    blog = class_blog(a)
    make_post(blog, author=a.teacher)
    teacher, parent, student = client_for(a.teacher), client_for(a.parent), client_for(a.student)
    assert "1 post" in page_text(parent.get(LIST))
    assert "1 post" in page_text(teacher.get(LIST))
    with django_capture_on_commit_callbacks(execute=True):
        mine = services.post_save(
            scope=scope_of(a.teacher),
            blog=blog,
            data=services.PostData(title="Sortie", body="<p>Au musée</p>"),
            submit=True,
        )
    assert "2 posts" in page_text(teacher.get(LIST))  # by the person
    assert "2 posts" in page_text(parent.get(LIST))  # by someone else
    with django_capture_on_commit_callbacks(execute=True):
        waiting = services.post_save(
            scope=scope_of(a.student),
            blog=blog,
            data=services.PostData(title="Mon avis", body="<p>Bien</p>"),
            submit=True,
        )
    assert waiting.status == Post.Status.PENDING
    assert "2 posts" in page_text(parent.get(LIST))  # waiting: not counted
    with django_capture_on_commit_callbacks(execute=True):
        services.post_validate(scope=scope_of(a.teacher), post=waiting)
    assert "3 posts" in page_text(parent.get(LIST))
    assert "3 posts" in page_text(student.get(LIST))
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(reverse("blogs:post-delete", args=[mine.pk]))  # through the view
    assert "2 posts" in page_text(parent.get(LIST))
    assert "2 posts" in page_text(teacher.get(LIST))


def test_a_new_child_a_new_class_and_a_new_role_show_at_once(world, client_for):
    a = world.a
    class_blog(a, title="Le blog de la 6e B", school_class=a.class2, owner=a.head)
    student, parent, teacher = client_for(a.student), client_for(a.parent), client_for(a.teacher)
    for client in (student, parent, teacher):
        assert "Le blog de la 6e B" not in page_text(client.get(LIST))
    GuardianshipFactory(establishment=a.establishment, guardian=a.parent, student=a.student2)  # the person's stamp
    assert "Le blog de la 6e B" in page_text(parent.get(LIST))
    assert "Le blog de la 6e B" not in page_text(student.get(LIST))
    EnrollmentFactory(school_class=a.class2, student=a.student)  # schooling: the structure stamp
    assert "Le blog de la 6e B" in page_text(student.get(LIST))
    assert "Le blog de la 6e B" not in page_text(teacher.get(LIST))
    RoleAssignment.objects.create(user=a.teacher, establishment=a.establishment, role=Role.STAFF, function="head")
    assert "Le blog de la 6e B" in page_text(teacher.get(LIST))  # now moderates every class blog
