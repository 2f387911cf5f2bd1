"""Messages, the mailbox entries that deliver them, folders, attachments, lists and governance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.core.models import StoredFile
from romsie.establishments.models import Establishment, Territory


class Message(models.Model):
    """A message written by one person of an establishment (a draft until ``sent_at`` is set).

    ``recipient_tokens`` keeps what the sender chose (``user:12``, ``class-guardians:3``...)
    and ``recipient_labels`` how it read, so neither the thread nor the drafts need to load
    the deliveries. ``body`` is sanitised HTML; ``search_text`` its folded plain text.
    """

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_messages")
    subject = models.CharField(_("subject line"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    is_draft = models.BooleanField(_("draft"), default=True)
    thread_root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="thread_messages"
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    mailing_list = models.ForeignKey(
        "MailingList", null=True, blank=True, on_delete=models.SET_NULL, related_name="archived_messages"
    )
    recipient_tokens = models.JSONField(default=list, blank=True)
    recipient_labels = models.JSONField(default=list, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    attachment_count = models.PositiveSmallIntegerField(default=0)
    # Documents linked rather than attached: the recipients get a read share when it is sent.
    linked_documents = models.ManyToManyField(
        "documents.Node", blank=True, related_name="+", verbose_name=_("linked documents")
    )
    recalled_at = models.DateTimeField(_("recalled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["sender", "sent_at"], name="message_sender_sent_idx"),
            models.Index(fields=["establishment", "-sent_at", "-id"], name="message_audit_idx"),
            models.Index(fields=["mailing_list", "-sent_at"], name="message_list_archive_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


class Folder(models.Model):
    """A personal folder in which a person files messages."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_folders")
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("folder")
        verbose_name_plural = _("folders")
        constraints = [
            models.UniqueConstraint(fields=["owner", "establishment", "name"], name="unique_message_folder"),
        ]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """A message in one person's mailbox: received (inbox), or the sender's own copy.

    ``sent_at`` repeats the message's so the mailbox pages read one table with one index.
    """

    class Box(models.TextChoices):
        INBOX = "inbox", _("Inbox")
        SENT = "sent", _("Sent")
        DRAFTS = "drafts", _("Drafts")
        TRASH = "trash", _("Trash")
        FOLDER = "folder", _("Folder")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries")
    folder = models.CharField(_("folder"), max_length=8, choices=Box.choices, default=Box.INBOX)
    personal_folder = models.ForeignKey(
        Folder, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    # Where a message put in the trash goes back to when restored.
    previous_folder = models.CharField(max_length=8, choices=Box.choices, blank=True)
    sent_at = models.DateTimeField()
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["message", "recipient"], name="unique_delivery"),
            models.CheckConstraint(
                condition=Q(folder="folder", personal_folder__isnull=False) | ~Q(folder="folder"),
                name="delivery_folder_has_personal_folder",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "folder", "-sent_at", "-id"], name="delivery_mailbox_idx"),
            # Unread counts read only the unread entries, whatever the size of the mailbox.
            models.Index(
                fields=["recipient", "folder", "personal_folder"],
                condition=Q(read_at__isnull=True),
                name="delivery_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.recipient_id} ({self.folder})"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is not the uploaded one: no user input reaches the storage path.
    from uuid import uuid4

    return f"messaging/{instance.establishment_id}/{uuid4().hex}"


class Attachment(StoredFile):
    """A file sent with a message; served only as a download to those who have the message."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)


class MailingList(models.Model):
    """A list of people one writes to at once; open lists take subscriptions."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_open = models.BooleanField(
        _("open to subscription"), default=False, help_text=_("People of the establishment may subscribe themselves.")
    )
    members_may_post = models.BooleanField(_("members may write to the list"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(  # type: ignore[var-annotated]
        settings.AUTH_USER_MODEL, through="ListMembership", related_name="mailing_lists"
    )
    version = VersionField()  # grows at each edit through the form (romsie.core.concurrency)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailing list")
        verbose_name_plural = _("mailing lists")
        constraints = [models.UniqueConstraint(fields=["establishment", "name"], name="unique_mailing_list")]

    def __str__(self) -> str:
        return self.name


class ListMembership(models.Model):
    """A person receives the messages of a mailing list."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    mailing_list = models.ForeignKey(MailingList, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_memberships")

    class Meta:
        verbose_name = _("list membership")
        verbose_name_plural = _("list memberships")
        constraints = [models.UniqueConstraint(fields=["mailing_list", "user"], name="unique_list_membership")]

    def __str__(self) -> str:
        return f"{self.user_id} ∈ {self.mailing_list_id}"


class Policy(models.Model):
    """The messaging switch of a territory or of one establishment, and its sending limits.

    The stricter of the territory's and the establishment's modes applies. Each role has an
    hourly limit of recipients (``<role>_hourly_recipients``, empty: the default); the
    territory's limit is a ceiling that an establishment may only lower. ``version`` grows at
    each edit through the form (``romsie.core.concurrency``); the row exists once first saved.
    """

    #: the roles that have a sending limit, each with its field ``<role>_hourly_recipients``
    LIMITED_ROLES = ("student", "parent", "teacher", "staff", "partner")

    class Mode(models.TextChoices):
        OPEN = "open", _("Open")
        STAFF_ONLY = "staff_only", _("Only staff and teachers may send")
        SUSPENDED = "suspended", _("Suspended: nobody may send")

    territory = models.OneToOneField(
        Territory, null=True, blank=True, on_delete=models.CASCADE, related_name="messaging_policy"
    )
    establishment = models.OneToOneField(
        Establishment, null=True, blank=True, on_delete=models.CASCADE, related_name="messaging_policy"
    )
    mode = models.CharField(_("messaging"), max_length=12, choices=Mode.choices, default=Mode.OPEN)
    student_hourly_recipients = models.PositiveIntegerField(
        _("recipients a student may reach per hour"), null=True, blank=True
    )
    parent_hourly_recipients = models.PositiveIntegerField(
        _("recipients a parent may reach per hour"), null=True, blank=True
    )
    teacher_hourly_recipients = models.PositiveIntegerField(
        _("recipients a teacher may reach per hour"), null=True, blank=True
    )
    staff_hourly_recipients = models.PositiveIntegerField(
        _("recipients a staff member may reach per hour"), null=True, blank=True
    )
    partner_hourly_recipients = models.PositiveIntegerField(
        _("recipients a partner may reach per hour"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = VersionField()

    class Meta:
        verbose_name = _("messaging policy")
        verbose_name_plural = _("messaging policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(territory__isnull=True, establishment__isnull=False)
                | Q(territory__isnull=False, establishment__isnull=True),
                name="policy_territory_xor_establishment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.territory or self.establishment}: {self.mode}"


class Report(models.Model):
    """Someone reported a message they received to the establishment's moderators."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["message", "reporter"], name="unique_message_report")]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.reporter_id})"
