from django.urls import reverse

from romsie.blogs import demo
from romsie.blogs.models import Blog, Comment, Post


def test_demo_blogs_are_read_by_the_families_and_added_once(world, client_for):
    a, b = world.a, world.b
    ids = [a.establishment.pk, b.establishment.pk]
    assert demo.populate(ids) > 0
    assert demo.populate(ids) == 0
    primary = Blog.objects.get(establishment=b.establishment)
    assert (primary.kind, primary.school_class_id, primary.students_may_write) == ("class", b.school_class.pk, True)
    assert Post.objects.filter(blog=primary, status=Post.Status.PENDING, author=b.student).count() == 1
    assert Comment.objects.filter(post__blog=primary, author=b.parent).count() == 1
    shown = client_for(b.parent).get(reverse("blogs:blog-detail", args=[primary.pk])).context["page"].entries
    assert shown[0].title == "Poésie du mois : « Le cancre »"
    assert len(shown) == 3  # the pupil's post waits for validation
    project = Blog.objects.get(establishment=a.establishment)
    assert project.kind == "project"
    assert list(project.author_links.values_list("user_id", flat=True)) == [a.student.pk]
    assert client_for(a.parent).get(reverse("blogs:blog-detail", args=[project.pk])).status_code == 200
