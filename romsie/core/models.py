"""Cross-cutting records: the audit log of sensitive actions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """An uploaded file (abstract): subclasses add the file field, with their own storage path.

    Files are checked, written and served by :mod:`romsie.core.uploads`: written with
    ``store_upload`` inside ``atomic_with_files`` (a failed write or transaction leaves no
    file), served only as downloads.
    """

    name = models.CharField(_("name"), max_length=150)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField(_("size"))

    class Meta:
        abstract = True
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """One sensitive action (account deactivated, code issued, rights changed...)."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A plain id: core imports no domain app, so no foreign key to establishments.
    establishment_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=64)
    target = models.CharField(_("target"), max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"
