"""Documents: spaces (personal, class, team), their folders and files, versions, blobs and shares.

A *space* is a tree of *nodes* (folders and files) under one root folder, with a quota. A file
node points at its current *version*; every version points at an immutable *blob* (the stored
bytes), which a copy, a hand-out or an old version restored share. Quota counts what a space
keeps: the size of every version of every node, trashed or not, until purged.

A node's ancestors are written in ``path`` (``/<root id>/<folder id>/``, the node itself not
included), so the ancestors and the descendants of a node are each one indexed query.
"""

from __future__ import annotations

import datetime
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.core.models import StoredFile
from romsie.establishments.models import Establishment, Territory
from romsie.schooling.models import SchoolClass, TeachingGroup

MB = 1024 * 1024
GB = 1024 * MB


class Right(models.IntegerChoices):
    """What a person may do with a node; each right includes the ones below it."""

    READ = 1, _("Read")
    CONTRIBUTE = 2, _("Contribute")  # upload, new folder, new version inside
    MANAGE = 3, _("Manage")  # rename, move, put in the trash, share


class DocumentSettings(models.Model):
    """A territory's defaults: quotas per profile, the ceiling, delays of the trash and versions.

    A territory without a row uses the field defaults (:func:`romsie.documents.selectors.territory_settings`).
    """

    territory = models.OneToOneField(Territory, on_delete=models.CASCADE, related_name="document_settings")
    student_quota_bytes = models.BigIntegerField(_("students' quota"), default=200 * MB)
    parent_quota_bytes = models.BigIntegerField(_("parents' quota"), default=100 * MB)
    teacher_quota_bytes = models.BigIntegerField(_("teachers' quota"), default=2 * GB)
    staff_quota_bytes = models.BigIntegerField(_("staff's quota"), default=1 * GB)
    partner_quota_bytes = models.BigIntegerField(_("partners' quota"), default=100 * MB)
    ceiling_bytes = models.BigIntegerField(_("highest quota"), default=5 * GB)
    class_space_quota_bytes = models.BigIntegerField(_("quota of a class space"), default=2 * GB)
    team_space_quota_bytes = models.BigIntegerField(_("quota of a team space"), default=5 * GB)
    trash_days = models.PositiveSmallIntegerField(_("days in the trash"), default=30)
    version_days = models.PositiveSmallIntegerField(_("days old versions are kept"), default=90)
    max_file_bytes = models.BigIntegerField(_("largest file"), default=500 * MB)
    version = VersionField()

    class Meta:
        verbose_name = _("documents settings")
        verbose_name_plural = _("documents settings")

    def __str__(self) -> str:
        return str(self.territory)


#: the profile kinds that have a quota, as ``DocumentSettings``' fields ``<kind>_quota_bytes``
QUOTA_KINDS = ("student", "parent", "teacher", "staff", "partner")


class EstablishmentDocumentSettings(models.Model):
    """An establishment's adjustments: quotas per profile (within the territory's ceiling), class spaces."""

    establishment = models.OneToOneField(Establishment, on_delete=models.CASCADE, related_name="document_settings")
    student_quota_bytes = models.BigIntegerField(_("students' quota"), null=True, blank=True)
    parent_quota_bytes = models.BigIntegerField(_("parents' quota"), null=True, blank=True)
    teacher_quota_bytes = models.BigIntegerField(_("teachers' quota"), null=True, blank=True)
    staff_quota_bytes = models.BigIntegerField(_("staff's quota"), null=True, blank=True)
    partner_quota_bytes = models.BigIntegerField(_("partners' quota"), null=True, blank=True)
    guardians_see_class_spaces = models.BooleanField(_("guardians see their children's class spaces"), default=False)
    version = VersionField()

    class Meta:
        verbose_name = _("establishment's documents settings")
        verbose_name_plural = _("establishments' documents settings")

    def __str__(self) -> str:
        return str(self.establishment)


class Space(models.Model):
    """A tree of documents with a quota: one's personal space, a class's, a staff team's or a group's.

    A person has one personal space whatever their establishments (``establishment`` is null);
    class and team spaces belong to an establishment. ``used_bytes`` is kept by the services under
    ``select_for_update()`` of this row, so two uploads at once cannot overrun ``quota_bytes``.
    ``territory`` gives the delays of the trash and of old versions, and the largest file.
    """

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal space")
        CLASS = "class", _("Class space")
        TEAM = "team", _("Team space")
        GROUP = "group", _("Group space")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    establishment = models.ForeignKey(
        Establishment, null=True, blank=True, on_delete=models.CASCADE, related_name="document_spaces"
    )
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.CASCADE, related_name="document_spaces"
    )
    # A group space belongs to a group another app holds (``group_kind`` "community" and its id):
    # who contributes and who manages comes from that app, through ``documents.groups``.
    group_kind = models.CharField(_("kind of group"), max_length=20, blank=True)
    group_id = models.BigIntegerField(_("group"), null=True, blank=True)
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    quota_bytes = models.BigIntegerField(_("quota"))
    used_bytes = models.BigIntegerField(_("space used"), default=0)
    root = models.OneToOneField("Node", null=True, blank=True, on_delete=models.SET_NULL, related_name="root_of")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        constraints = [
            models.UniqueConstraint(fields=["owner"], condition=Q(kind="personal"), name="one_personal_space"),
            models.UniqueConstraint(fields=["school_class"], condition=Q(kind="class"), name="one_class_space"),
            models.UniqueConstraint(fields=["establishment"], condition=Q(kind="team"), name="one_team_space"),
            models.UniqueConstraint(
                fields=["group_kind", "group_id"], condition=Q(kind="group"), name="one_space_per_group"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="personal", owner__isnull=False, establishment__isnull=True, school_class__isnull=True)
                    | Q(kind="class", owner__isnull=True, establishment__isnull=False, school_class__isnull=False)
                    | Q(kind="team", owner__isnull=True, establishment__isnull=False, school_class__isnull=True)
                    | Q(
                        kind="group",
                        owner__isnull=True,
                        establishment__isnull=False,
                        school_class__isnull=True,
                        group_id__isnull=False,
                    )
                ),
                name="space_kind_matches_its_holder",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Node(models.Model):
    """A folder or a file of a space.

    ``name_key`` (the name in lower case, NFC) makes a name unique in its folder whatever its case,
    among the nodes not in the trash; ``search_key`` (lower case, accents removed) serves search.
    Only the top node put in the trash carries ``trashed_at``: its descendants are in the trash
    through it. ``size_bytes`` and ``content_type`` are the current version's (for listings).
    ``is_read_only``: a hand-out received (its ``origin`` is the node it was copied from).
    """

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    path = models.CharField(max_length=2000, db_index=True, editable=False)
    is_folder = models.BooleanField(_("folder"), default=False)
    name = models.CharField(_("name"), max_length=255)
    name_key = models.CharField(max_length=255, editable=False)
    search_key = models.CharField(max_length=255, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    modified_at = models.DateTimeField(_("modified at"))
    current = models.ForeignKey("FileVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    size_bytes = models.BigIntegerField(_("size"), default=0)
    content_type = models.CharField(max_length=100, blank=True)
    version = VersionField()
    trashed_at = models.DateTimeField(_("put in the trash at"), null=True, blank=True)
    trashed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_read_only = models.BooleanField(_("read only"), default=False)
    origin = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name_key"], condition=Q(trashed_at__isnull=True), name="unique_name_in_folder"
            ),
            models.CheckConstraint(
                condition=Q(is_folder=True, current__isnull=True) | Q(is_folder=False),
                name="folder_has_no_version",
            ),
        ]
        indexes = [
            models.Index(fields=["parent", "is_folder", "name_key"], name="documents_node_listing"),
            models.Index(fields=["space", "search_key"], name="documents_node_search"),
            models.Index(fields=["space", "trashed_at"], name="documents_node_trash"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """The ids of the folders above this node, root first (read from ``path``, no query)."""
        return [int(part) for part in self.path.split("/") if part]

    @property
    def descendants_prefix(self) -> str:
        """The ``path`` prefix of every node below this one."""
        return f"{self.path}{self.pk}/"

    @property
    def is_root(self) -> bool:
        return self.parent_id is None


def _blob_name(instance: models.Model, filename: str) -> str:
    # The stored name is not the uploaded one: no user input reaches the storage path.
    today = datetime.date.today()
    return f"documents/{today:%Y}/{today:%m}/{uuid4().hex}"


class Blob(StoredFile):
    """Stored bytes, immutable and shared by every version that points at them.

    A blob no version points at any more is deleted with its file (once the transaction commits).
    """

    class ScanStatus(models.TextChoices):
        PENDING = "pending", _("Waiting for the antivirus")
        CLEAN = "clean", _("Checked by the antivirus")
        INFECTED = "infected", _("Infected")
        NOT_SCANNED = "not_scanned", _("Not checked by an antivirus")

    file = models.FileField(_("file"), upload_to=_blob_name, max_length=200)
    sha256 = models.CharField(max_length=64, blank=True)
    scan_status = models.CharField(max_length=12, choices=ScanStatus.choices, default=ScanStatus.NOT_SCANNED)
    scanned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(StoredFile.Meta):
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")


class FileVersion(models.Model):
    """One version of a file: 1, 2, ... Restoring an old one adds a version pointing at its blob."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="versions")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    size_bytes = models.BigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["node", "-number"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [models.UniqueConstraint(fields=["node", "number"], name="unique_version_number")]
        indexes = [models.Index(fields=["uploaded_at"], name="documents_version_age")]

    def __str__(self) -> str:
        return f"{self.node_id} v{self.number}"


class Share(models.Model):
    """A node shared with an audience, with a right; a folder's share covers everything below it.

    ``establishment`` is the sharer's establishment when sharing: a share counts only for people
    whose current establishment it is. The target matching ``kind`` is set, the others are null.
    """

    class Kind(models.TextChoices):
        USER = "user", _("A person")
        CLASS_STUDENTS = "class_students", _("The students of a class")
        CLASS_GUARDIANS = "class_guardians", _("The guardians of a class")
        CLASS_ALL = "class_all", _("A class, students and guardians")
        GROUP = "group", _("A teaching group")
        STAFF = "staff", _("Staff and teachers")

    CLASS_KINDS = (Kind.CLASS_STUDENTS, Kind.CLASS_GUARDIANS, Kind.CLASS_ALL)

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="shares")
    right = models.PositiveSmallIntegerField(_("right"), choices=Right.choices, default=Right.READ)
    kind = models.CharField(_("shared with"), max_length=16, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="document_shares"
    )
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.CASCADE, related_name="document_shares"
    )
    teaching_group = models.ForeignKey(
        TeachingGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="document_shares"
    )
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="document_shares")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="user", user__isnull=False, school_class__isnull=True, teaching_group__isnull=True)
                    | Q(
                        kind__in=["class_students", "class_guardians", "class_all"],
                        user__isnull=True,
                        school_class__isnull=False,
                        teaching_group__isnull=True,
                    )
                    | Q(kind="group", user__isnull=True, school_class__isnull=True, teaching_group__isnull=False)
                    | Q(kind="staff", user__isnull=True, school_class__isnull=True, teaching_group__isnull=True)
                ),
                name="share_target_matches_kind",
            ),
            models.UniqueConstraint(fields=["node", "user"], condition=Q(kind="user"), name="unique_user_share"),
            models.UniqueConstraint(
                fields=["node", "kind", "school_class"],
                condition=Q(kind__in=["class_students", "class_guardians", "class_all"]),
                name="unique_class_share",
            ),
            models.UniqueConstraint(
                fields=["node", "teaching_group"], condition=Q(kind="group"), name="unique_group_share"
            ),
            models.UniqueConstraint(
                fields=["node", "establishment"], condition=Q(kind="staff"), name="unique_staff_share"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "establishment"], name="documents_share_user"),
            models.Index(fields=["school_class", "kind"], name="documents_share_class"),
            models.Index(fields=["teaching_group"], name="documents_share_group"),
            models.Index(fields=["establishment", "kind"], name="documents_share_staff"),
        ]

    def __str__(self) -> str:
        return f"{self.node_id} → {self.kind}"


class DeadProperty(models.Model):
    """A WebDAV "dead" property of a node (PROPPATCH): any namespace and name, an XML value.

    Kept in the database, so every worker sees it; it follows its node through a move and goes
    with it when the node is purged.
    """

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="dead_properties")
    namespace = models.CharField(max_length=255, blank=True)
    name = models.CharField(max_length=255)
    value = models.TextField(blank=True)

    class Meta:
        verbose_name = _("WebDAV property")
        verbose_name_plural = _("WebDAV properties")
        constraints = [
            models.UniqueConstraint(fields=["node", "namespace", "name"], name="unique_dead_property"),
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {{{self.namespace}}}{self.name}"


class AppPassword(models.Model):
    """A password for one device or program (a WebDAV client), instead of one's ENT password.

    Only a digest of the secret is kept (SHA-256: the secret is random and long, so a fast digest
    is safe, and a WebDAV client's many requests do not each pay an Argon2 hash), unique, so the
    digest of what a client sends finds the row. The secret is shown once, when it is created.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_passwords")
    label = models.CharField(_("name"), max_length=100)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("app password")
        verbose_name_plural = _("app passwords")
        indexes = [models.Index(fields=["user", "created_at"], name="documents_app_password_user")]

    def __str__(self) -> str:
        return self.label


# -- Hand-outs and collections (sharing, spaces and hand-outs) ----------------------------


class Collection(models.Model):
    """Work collected from a class or a teaching group: each student drops files in their own folder.

    The collection's ``folder`` lives in the teacher's personal space (under "Collected work");
    each student's files go to a folder of their own inside it (:class:`Dropbox`), which is
    shared with them read only: they see their own work, never their classmates'. ``source``
    names what the collection was opened for (``homework:<id>`` for a homework to hand in),
    so the same homework always lands in the same collection.
    """

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="document_collections")
    title = models.CharField(_("title"), max_length=150)
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.CASCADE, related_name="document_collections"
    )
    teaching_group = models.ForeignKey(
        TeachingGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="document_collections"
    )
    due_at = models.DateTimeField(_("due by"))
    folder = models.OneToOneField(Node, on_delete=models.CASCADE, related_name="collection")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=60, blank=True, editable=False)

    class Meta:
        verbose_name = _("collection of work")
        verbose_name_plural = _("collections of work")
        constraints = [
            models.CheckConstraint(
                condition=Q(school_class__isnull=False, teaching_group__isnull=True)
                | Q(school_class__isnull=True, teaching_group__isnull=False),
                name="collection_from_a_class_or_a_group",
            ),
            models.UniqueConstraint(
                fields=["establishment", "source"], condition=~Q(source=""), name="one_collection_per_source"
            ),
        ]
        indexes = [
            models.Index(fields=["created_by", "created_at"], name="documents_collection_teacher"),
            models.Index(fields=["school_class", "due_at"], name="documents_collection_class"),
            models.Index(fields=["teaching_group", "due_at"], name="documents_collection_group"),
        ]

    def __str__(self) -> str:
        return self.title


class Dropbox(models.Model):
    """A student's folder in a collection: what they handed in, shared with them read only."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="dropboxes")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    folder = models.OneToOneField(Node, on_delete=models.CASCADE, related_name="dropbox")
    first_at = models.DateTimeField(_("first handed in at"))
    last_at = models.DateTimeField(_("last handed in at"))
    is_late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("work handed in")
        verbose_name_plural = _("work handed in")
        constraints = [models.UniqueConstraint(fields=["collection", "student"], name="one_dropbox_per_student")]

    def __str__(self) -> str:
        return f"{self.collection_id} ← {self.student_id}"
