"""Communities: groups of people of an establishment (partners included) with a wall and a wiki.

A :class:`Community` belongs to one establishment. :class:`Membership` says who belongs to it and
with which role (owner, manager, member); an invited person has a membership ``invited`` until
they accept it. The wall holds :class:`WallPost` rows with their :class:`Comment` and
:class:`Reaction` rows; the wiki holds :class:`WikiPage` rows, each save recorded as a
:class:`WikiRevision`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.establishments.models import Establishment


class Community(models.Model):
    """A group of people of an establishment, outside partners included, with a wall and a wiki."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = VersionField()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        indexes = [models.Index(fields=["establishment", "name"], name="community_establishment_name")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person belongs to a community with a role, or is invited to it until they accept."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        MEMBER = "member", _("Member")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Member")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True)

    MANAGING = (Role.OWNER, Role.MANAGER)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="community_unique_membership")]
        indexes = [models.Index(fields=["user", "establishment", "status"], name="community_membership_user")]

    def __str__(self) -> str:
        return f"{self.user_id} ∈ {self.community_id} ({self.role})"

    @property
    def is_managing(self) -> bool:
        return self.status == self.Status.ACTIVE and self.role in self.MANAGING


class WallPost(models.Model):
    """A post on a community's wall; a manager may hide it (its author still sees it)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("text"))  # sanitised HTML (core.richtext)
    is_hidden = models.BooleanField(_("hidden by a manager"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = VersionField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("wall post")
        verbose_name_plural = _("wall posts")
        indexes = [models.Index(fields=["community", "-created_at", "-id"], name="community_wall_newest")]

    def __str__(self) -> str:
        return f"{self.community_id}#{self.pk}"


class Comment(models.Model):
    """A comment on a wall post."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(WallPost, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("comment"))  # plain text, escaped where shown
    is_hidden = models.BooleanField(_("hidden by a manager"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["post", "created_at"], name="community_comment_post")]

    def __str__(self) -> str:
        return f"{self.post_id}/{self.pk}"


class Reaction(models.Model):
    """A person likes a wall post (once)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(WallPost, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="community_unique_reaction")]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.post_id}"


class WikiPage(models.Model):
    """A page of a community's wiki, found by its slug; ``version`` refuses a stale save."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="wiki_pages")
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("address"), max_length=160, allow_unicode=False)
    body = models.TextField(_("text"), blank=True)  # sanitised HTML; [[Title]] links to another page
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = VersionField()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("wiki page")
        verbose_name_plural = _("wiki pages")
        constraints = [models.UniqueConstraint(fields=["community", "slug"], name="community_unique_wiki_slug")]

    def __str__(self) -> str:
        return self.title


class WikiRevision(models.Model):
    """One save of a wiki page: who, when, its title and text (restoring one adds a revision)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey(WikiPage, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    restored_from = models.PositiveIntegerField(_("restored from revision"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("wiki revision")
        verbose_name_plural = _("wiki revisions")
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="community_unique_wiki_revision")]

    def __str__(self) -> str:
        return f"{self.page_id} r{self.number}"
