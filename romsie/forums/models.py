"""Forums: a forum of the establishment, a class, a teaching group or a community; categories, topics, replies.

A :class:`Forum` belongs to an establishment and to one *owner*, told by its ``kind``: the
establishment itself (its readers are an audience, ``schooling.audiences``), a class or a
teaching group (their students and teachers), or a community (its active members, and nobody
else: the establishment's moderators do not see it). Each kind of owner has its nullable foreign
key and one way in ``access.member_forum_ids``.

A forum has ordered :class:`Category` rows; a :class:`Topic` lives in one category and its
messages are :class:`Reply` rows numbered from 1 (the opening message is reply 1), so that a
page of a topic is a range of ``position`` (an index lookup, whatever the page). A person's
:class:`TopicRead` remembers the last position they read (unread markers), a
:class:`Subscription` asks for a notification of each new reply, and a :class:`Report` asks the
moderators to look at a reply.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from romsie.communities.models import Community
from romsie.core.concurrency import VersionField
from romsie.establishments.models import Establishment
from romsie.schooling.audiences import Audience
from romsie.schooling.models import SchoolClass, TeachingGroup


class Forum(Audience):
    """A forum of an establishment, a class or a teaching group."""

    class Kind(models.TextChoices):
        ESTABLISHMENT = "establishment", _("Establishment forum")
        CLASS = "class", _("Class forum")
        GROUP = "group", _("Teaching group forum")
        COMMUNITY = "community", _("Community forum")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("class")
    )
    teaching_group = models.ForeignKey(
        TeachingGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("teaching group"),
    )
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "title", "pk"]
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="class")
                    & Q(school_class__isnull=False)
                    & Q(teaching_group__isnull=True)
                    & Q(community__isnull=True)
                )
                | (
                    Q(kind="group")
                    & Q(teaching_group__isnull=False)
                    & Q(school_class__isnull=True)
                    & Q(community__isnull=True)
                )
                | (
                    Q(kind="community")
                    & Q(community__isnull=False)
                    & Q(school_class__isnull=True)
                    & Q(teaching_group__isnull=True)
                )
                | (
                    ~Q(kind__in=["class", "group", "community"])
                    & Q(school_class__isnull=True)
                    & Q(teaching_group__isnull=True)
                    & Q(community__isnull=True)
                ),
                name="forums_forum_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["school_class"], condition=Q(school_class__isnull=False), name="forums_one_forum_per_class"
            ),
            models.UniqueConstraint(
                fields=["community"], condition=Q(community__isnull=False), name="forums_one_forum_per_community"
            ),
            models.UniqueConstraint(
                fields=["teaching_group"],
                condition=Q(teaching_group__isnull=False),
                name="forums_one_forum_per_group",
            ),
        ]
        indexes = [models.Index(fields=["establishment", "kind"], name="forums_forum_kind_idx")]

    def __str__(self) -> str:
        return self.title


class Category(models.Model):
    """A category of a forum; categories are shown in their ``position`` order."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        indexes = [models.Index(fields=["forum", "position"], name="forums_category_order_idx")]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """A topic of a category: a title, its replies (the first one opens it), moderation flags.

    ``reply_count`` is the position of its last reply (replies are never deleted, only
    hidden), kept by the service that adds a reply under a row lock of the topic.
    """

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="topics")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created at"))
    last_reply_at = models.DateTimeField(_("last reply at"))
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)

    class Meta:
        ordering = ["-is_pinned", "-last_reply_at", "-pk"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [
            models.Index(fields=["category", "last_reply_at"], name="forums_topic_category_idx"),
            models.Index(fields=["forum", "last_reply_at"], name="forums_topic_forum_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Reply(models.Model):
    """A message of a topic, at its ``position`` (1 opens the topic); hidden, never deleted."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="replies")
    position = models.PositiveIntegerField(_("position"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"))
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    version = VersionField()

    class Meta:
        ordering = ["topic", "position"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = [models.UniqueConstraint(fields=["topic", "position"], name="forums_unique_reply_position")]

    def __str__(self) -> str:
        return f"{self.topic} #{self.position}"


class TopicRead(models.Model):
    """How far a person has read a topic: the position of the last reply they saw."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="reads")
    last_read_position = models.PositiveIntegerField(_("last reply read"), default=0)

    class Meta:
        verbose_name = _("topic read")
        verbose_name_plural = _("topics read")
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="forums_unique_topic_read")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.topic_id} up to {self.last_read_position}"


class Subscription(models.Model):
    """A person is told of every new reply of a topic."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="forums_unique_subscription")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.topic_id}"


class Report(models.Model):
    """A reader asks the moderators to look at a reply, with a reason; a moderator resolves it."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("reported by")
    )
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(_("reported at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["reply", "reporter"], condition=Q(resolved_at__isnull=True), name="forums_one_open_report"
            )
        ]
        indexes = [models.Index(fields=["establishment", "resolved_at"], name="forums_report_queue_idx")]

    def __str__(self) -> str:
        return f"{self.reply}: {self.reason[:40]}"
