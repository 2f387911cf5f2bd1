"""Blogs (of a class, a project or the establishment), their posts, comments and likes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.establishments.models import Establishment
from romsie.schooling.audiences import Audience
from romsie.schooling.models import SchoolClass


class Blog(Audience):
    """A blog of an establishment, read by its audience (``schooling.audiences``).

    A class blog belongs to a class: the class's teachers moderate it; a project blog to its
    owner, with named authors; an establishment blog to those who manage the establishment's
    blogs. The owner chooses whether students may write, whether their posts wait for
    validation (yes by default) and how comments are moderated. ``version`` grows at each edit
    of the settings (``romsie.core.concurrency``).
    """

    class Kind(models.TextChoices):
        CLASS = "class", _("Class blog")
        PROJECT = "project", _("Project blog")
        ESTABLISHMENT = "establishment", _("Establishment blog")

    class Comments(models.TextChoices):
        OFF = "off", _("No comments")
        BEFORE = "before", _("Comments moderated before publication")
        AFTER = "after", _("Comments published at once, moderated after")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=150)
    description = models.CharField(_("description"), max_length=500, blank=True)
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("class")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner")
    )
    authors: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="BlogAuthor", related_name="+", blank=True, verbose_name=_("authors")
    )
    students_may_write = models.BooleanField(_("students may write posts"), default=False)
    validates_student_posts = models.BooleanField(_("students' posts wait for validation"), default=True)
    comments = models.CharField(_("comments"), max_length=10, choices=Comments.choices, default=Comments.BEFORE)
    created_at = models.DateTimeField(auto_now_add=True)
    version = VersionField()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("blog")
        verbose_name_plural = _("blogs")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="class", school_class__isnull=False)
                | (~Q(kind="class") & Q(school_class__isnull=True)),
                name="blog_class_only_for_class_blogs",
            ),
        ]
        indexes = [
            models.Index(fields=["establishment", "kind"], name="blog_establishment_kind"),
            models.Index(fields=["school_class"], name="blog_school_class"),
        ]

    def __str__(self) -> str:
        return self.title


class BlogAuthor(models.Model):
    """A person named author of a blog (project blogs): they write posts there."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="author_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("blog author")
        verbose_name_plural = _("blog authors")
        constraints = [models.UniqueConstraint(fields=["blog", "user"], name="unique_blog_author")]
        indexes = [models.Index(fields=["user", "blog"], name="blog_author_user")]

    def __str__(self) -> str:
        return f"{self.user_id} ✎ {self.blog_id}"


class Post(models.Model):
    """A post of a blog: a draft, waiting for validation, published, or refused with a reason.

    Readers see published posts only; the author sees their own; the blog's moderators see
    those waiting and refused. ``version`` grows at each edit (``romsie.core.concurrency``).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Waiting for validation")
        PUBLISHED = "published", _("Published")
        REFUSED = "refused", _("Refused")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))  # sanitised HTML (core.richtext)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    refusal_reason = models.CharField(_("reason of the refusal"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("publication"), null=True, blank=True)
    # Documents linked rather than copied: the readers get a read share when it is published.
    linked_documents: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "documents.Node", blank=True, related_name="+", verbose_name=_("linked documents")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = VersionField()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("blog post")
        verbose_name_plural = _("blog posts")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False), name="blog_post_published_at"
            ),
        ]
        indexes = [
            models.Index(fields=["blog", "status", "-published_at"], name="blog_post_blog_published"),
            models.Index(fields=["author", "status"], name="blog_post_author"),
        ]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    """A comment on a published post: visible, waiting for moderation, or hidden by a moderator."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("comment"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["post", "status", "created_at"], name="blog_comment_post")]

    def __str__(self) -> str:
        return self.body[:50]


class Like(models.Model):
    """A reader likes a published post (once)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("like")
        verbose_name_plural = _("likes")
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="unique_blog_like")]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.post_id}"
