"""Bookmarks: a person's own links, links pushed by the establishment, the territory's family services."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.establishments.models import Establishment, Territory
from romsie.schooling.audiences import Audience
from romsie.schooling.models import Level

#: Only web addresses: a ``javascript:`` or ``file:`` link is refused.
web_address = URLValidator(
    schemes=["http", "https"], message=_("Give a web address starting with http:// or https://.")
)


class Bookmark(models.Model):
    """One of a person's own links, in an optional folder, in the order they chose."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks")
    title = models.CharField(_("title"), max_length=150)
    url = models.URLField(_("web address"), max_length=500, validators=[web_address])
    folder = models.CharField(_("folder"), max_length=60, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["folder", "position", "pk"]
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        indexes = [models.Index(fields=["owner", "folder", "position"], name="bookmarks_owner_order")]

    def __str__(self) -> str:
        return self.title


class PushedBookmark(Audience):
    """A link the establishment pushes to roles, levels or classes (the CDI's catalogue, a textbook site)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=150)
    url = models.URLField(_("web address"), max_length=500, validators=[web_address])
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    version = VersionField()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["position", "title", "pk"]
        verbose_name = _("pushed bookmark")
        verbose_name_plural = _("pushed bookmarks")
        indexes = [models.Index(fields=["establishment", "position"], name="bookmarks_pushed_order")]

    def __str__(self) -> str:
        return self.title


class FamilyLink(models.Model):
    """A link of the territory to one of its family services (canteen payment, school transport...).

    Shown to the guardians (and, if ``for_students``, the students) of the establishments it
    reaches and, when levels are chosen, only to those with a child (or themselves) in one of them.
    """

    class Category(models.TextChoices):
        CANTEEN = "canteen", _("Canteen")
        TRANSPORT = "transport", _("School transport")
        SCHOLARSHIPS = "scholarships", _("Scholarships")
        AFTER_SCHOOL = "after_school", _("After-school care")
        OTHER = "other", _("Other service")

    class Reach(models.TextChoices):
        ALL = "all", _("Every establishment of the territory")
        CHOSEN = "chosen", _("The establishments chosen below")
        PRIMARY = "primary", _("Every primary school")
        LOWER_SECONDARY = "lower_secondary", _("Every collège")
        UPPER_SECONDARY = "upper_secondary", _("Every lycée")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="family_links")
    title = models.CharField(_("title"), max_length=150)
    url = models.URLField(_("web address"), max_length=500, validators=[web_address])
    description = models.CharField(_("description"), max_length=300, blank=True)
    category = models.CharField(_("service"), max_length=20, choices=Category.choices, default=Category.OTHER)
    reach = models.CharField(_("establishments"), max_length=20, choices=Reach.choices, default=Reach.ALL)
    establishments = models.ManyToManyField(
        Establishment, blank=True, related_name="+", verbose_name=_("chosen establishments")
    )
    levels = models.ManyToManyField(Level, blank=True, related_name="+", verbose_name=_("levels"))
    for_guardians = models.BooleanField(_("for guardians"), default=True)
    for_students = models.BooleanField(_("for students"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    version = VersionField()
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["position", "title", "pk"]
        verbose_name = _("family service link")
        verbose_name_plural = _("family service links")
        indexes = [models.Index(fields=["territory", "reach"], name="bookmarks_family_reach")]

    def __str__(self) -> str:
        return self.title


#: Which ``FamilyLink.Reach`` covers an establishment of each kind.
REACH_OF_KIND = {
    Establishment.Kind.NURSERY: FamilyLink.Reach.PRIMARY,
    Establishment.Kind.ELEMENTARY: FamilyLink.Reach.PRIMARY,
    Establishment.Kind.PRIMARY: FamilyLink.Reach.PRIMARY,
    Establishment.Kind.LOWER_SECONDARY: FamilyLink.Reach.LOWER_SECONDARY,
    Establishment.Kind.UPPER_SECONDARY: FamilyLink.Reach.UPPER_SECONDARY,
    Establishment.Kind.VOCATIONAL: FamilyLink.Reach.UPPER_SECONDARY,
    Establishment.Kind.AGRICULTURAL: FamilyLink.Reach.UPPER_SECONDARY,
}
