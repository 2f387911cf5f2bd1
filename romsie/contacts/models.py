"""The personal address book: contacts and groups of contacts, owned by one person."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.core.text import fold


def new_uid() -> str:
    return str(uuid.uuid4())


class ContactGroup(models.Model):
    """A named group of one person's contacts ("Parents délégués"), usable as message recipients."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_groups")
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("contact group")
        verbose_name_plural = _("contact groups")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="contacts_group_unique_name")]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """One card of a person's address book; ``person`` is the ENT account it stands for, if any.

    ``uid`` is the vCard UID (stable across exports and a CardDAV client's syncs) and ``version``
    grows at every edit (the ETag a CardDAV client compares).
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contacts")
    uid = models.CharField(_("identifier"), max_length=255, default=new_uid, editable=False)
    version = VersionField()
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    emails = models.JSONField(_("e-mail addresses"), default=list, blank=True)
    phones = models.JSONField(_("phone numbers"), default=list, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person of the ENT"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    groups = models.ManyToManyField(ContactGroup, verbose_name=_("groups"), blank=True, related_name="contacts")
    # Folded name, organisation and addresses: what the search matches and the list sorts by.
    search_name = models.CharField(max_length=600, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["search_name", "pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [models.UniqueConstraint(fields=["owner", "uid"], name="contacts_contact_unique_uid")]
        indexes = [models.Index(fields=["owner", "search_name"], name="contacts_owner_name")]

    def __str__(self) -> str:
        return self.display_name

    def refresh_search_name(self) -> None:
        """Recompute what the search matches: name, organisation and e-mails, folded (not saved)."""
        words = [self.last_name, self.first_name, self.organisation, *self.emails]
        self.search_name = fold(" ".join(w for w in words if w))[:600]

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.organisation or (self.emails[0] if self.emails else "") or "—"
