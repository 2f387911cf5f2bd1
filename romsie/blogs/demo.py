"""Demo content of the blogs: a class blog in each primary school, a project blog in each secondary one.

``populate(establishment_ids)`` writes, for each establishment (bounded, in bulk): in a primary
school, the blog of its first class (its teacher owns it, pupils may write and their posts wait
for validation, comments moderated before publication) with three published posts, two
parents' comments and one pupil's post waiting for validation; in a secondary school, a
project blog of a teacher with a student named author, two posts and a comment. Nothing is
notified. Deterministic; running it twice adds nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from romsie.core.richtext import clean_rich_text
from romsie.establishments.models import Establishment
from romsie.identity.models import Guardianship
from romsie.schooling.models import Enrollment, Teaching

from .models import Blog, BlogAuthor, Comment, Post

PRIMARY_POSTS = [
    (
        "Notre visite à la ferme pédagogique",
        "Mardi, nous sommes allés à la ferme. Nous avons nourri les chèvres et vu naître un agneau !\n\n"
        "<strong>Merci</strong> aux parents accompagnateurs.",
        6,
    ),
    (
        "Le potager de la classe",
        "Les radis ont poussé ! Chaque groupe arrose à tour de rôle. Prochaine étape : les tomates.",
        3,
    ),
    (
        "Poésie du mois : « Le cancre »",
        "Nous apprenons le poème de Jacques Prévert. Les élèves le réciteront vendredi.",
        1,
    ),
]
PUPIL_POST = (
    "Mon animal préféré de la ferme",
    "Mon animal préféré c'est la chèvre parce qu'elle mange de tout et qu'elle est rigolote.",
)
PARENT_COMMENTS = ["Merci pour ces belles photos, ma fille en parle tous les soirs !", "Bravo aux jardiniers !"]
PROJECT_POSTS = [
    (
        "Club théâtre : les répétitions commencent",
        "Le club répète chaque jeudi au foyer. Cette année, nous montons <em>Le Bourgeois gentilhomme</em>.",
        5,
    ),
    (
        "Les costumes sont arrivés",
        "Grâce au foyer socio-éducatif, les costumes sont arrivés. Essayage jeudi prochain.",
        2,
    ),
]


@transaction.atomic
def populate(establishment_ids: Iterable[int], *, now: datetime.datetime | None = None) -> int:
    """Write the demo blogs of the establishments; return the number of rows created."""
    now = now or timezone.now()
    ids = list(establishment_ids)
    done = set(Blog.objects.filter(establishment_id__in=ids).values_list("establishment_id", flat=True))
    kinds = dict(Establishment.objects.filter(pk__in=ids).values_list("pk", "kind"))
    teachings: dict[int, Teaching] = {}
    for teaching in (
        Teaching.objects.filter(
            establishment_id__in=ids, school_class__isnull=False, school_class__school_year__is_current=True
        )
        .select_related("school_class")
        .order_by("establishment_id", "school_class__level__order", "school_class__name", "pk")
    ):
        teachings.setdefault(teaching.establishment_id, teaching)
    class_ids = [t.school_class_id for t in teachings.values()]
    pupils: dict[int, list[int]] = {}
    for class_id, student_id in (
        Enrollment.objects.filter(school_class_id__in=class_ids).order_by("student__search_name", "student_id")
    ).values_list("school_class_id", "student_id"):
        pupils.setdefault(class_id, []).append(student_id)
    guardians: dict[int, int] = {}
    for student_id, guardian_id in (
        Guardianship.objects.filter(student_id__in=[s for v in pupils.values() for s in v]).order_by("pk")
    ).values_list("student_id", "guardian_id"):
        guardians.setdefault(student_id, guardian_id)

    blogs: list[Blog] = []
    for establishment_id in ids:
        found = teachings.get(establishment_id)
        school_class = found.school_class if found is not None else None
        if establishment_id in done or found is None or school_class is None:
            continue
        is_primary = kinds.get(establishment_id) in Establishment.PRIMARY_KINDS
        blogs.append(
            Blog(
                establishment_id=establishment_id,
                kind=Blog.Kind.CLASS if is_primary else Blog.Kind.PROJECT,
                title=f"Le blog des {school_class.name}" if is_primary else "Club théâtre du collège",
                description="La vie de la classe, racontée par les élèves." if is_primary else "Les coulisses du club.",
                school_class=school_class if is_primary else None,
                owner_id=found.teacher_id,
                students_may_write=True,
                validates_student_posts=True,
                comments=Blog.Comments.BEFORE if is_primary else Blog.Comments.AFTER,
                for_students=True,
                for_parents=True,
                for_teachers=True,
                for_staff=not is_primary,
                is_narrowed=is_primary,
            )
        )
    Blog.objects.bulk_create(blogs)
    through: Any = Blog.school_classes.through  # the audience's classes (declared on the abstract model)
    class_links = [
        through(blog_id=blog.pk, schoolclass_id=blog.school_class_id)
        for blog in blogs
        if blog.school_class_id is not None
    ]
    through.objects.bulk_create(class_links)
    posts: list[Post] = []
    authors: list[BlogAuthor] = []
    for blog in blogs:
        teaching = teachings[blog.establishment_id]
        class_pupils = pupils.get(teaching.school_class_id or 0, [])
        samples = PRIMARY_POSTS if blog.kind == Blog.Kind.CLASS else PROJECT_POSTS
        for title, body, days_ago in samples:
            posts.append(
                Post(
                    establishment_id=blog.establishment_id,
                    blog=blog,
                    author_id=teaching.teacher_id,
                    title=title,
                    body=clean_rich_text(body),
                    status=Post.Status.PUBLISHED,
                    published_at=now - datetime.timedelta(days=days_ago),
                )
            )
        if class_pupils and blog.kind == Blog.Kind.CLASS:
            title, body = PUPIL_POST
            posts.append(
                Post(
                    establishment_id=blog.establishment_id,
                    blog=blog,
                    author_id=class_pupils[0],
                    title=title,
                    body=clean_rich_text(body),
                    status=Post.Status.PENDING,
                )
            )
        elif class_pupils:
            authors.append(BlogAuthor(establishment_id=blog.establishment_id, blog=blog, user_id=class_pupils[0]))
    Post.objects.bulk_create(posts)
    BlogAuthor.objects.bulk_create(authors)
    comments: list[Comment] = []
    for post in posts:
        if post.status != Post.Status.PUBLISHED or post.published_at is None:
            continue
        if post.published_at < now - datetime.timedelta(days=4):  # the oldest post of each blog
            class_pupils = pupils.get(teachings[post.establishment_id].school_class_id or 0, [])
            if post.blog.kind == Blog.Kind.CLASS:
                people = [guardians[s] for s in class_pupils if s in guardians][: len(PARENT_COMMENTS)]
                texts = PARENT_COMMENTS
            else:
                people, texts = class_pupils[1:2], ["Trop hâte de jouer sur scène !"]
            comments += [
                Comment(
                    establishment_id=post.establishment_id,
                    post=post,
                    author_id=person,
                    body=text,
                    status=Comment.Status.VISIBLE,
                )
                for person, text in zip(people, texts, strict=False)
            ]
    Comment.objects.bulk_create(comments)
    return len(blogs) + len(class_links) + len(posts) + len(authors) + len(comments)
