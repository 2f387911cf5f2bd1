"""The structure of an establishment's school year: classes, groups, subjects, rooms, teachings.

Each editable row carries a ``version``, grown at each edit through the administration's forms,
so a save from a form showing an older one is refused (``romsie.core.concurrency``).

The social features of students (comments, reactions, posts, forums) are switched per level by
the establishment (``SocialSwitch``) within its territory's ceiling (``SocialCeilingEntry``);
``romsie.schooling.social.allows`` reads them.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from romsie.core.concurrency import VersionField
from romsie.establishments.models import Establishment, Territory


class SchoolYear(models.Model):
    """A school year of an establishment, e.g. 2026-2027."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="school_years")
    name = models.CharField(_("name"), max_length=20)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_current = models.BooleanField(_("current year"), default=False)
    version = VersionField()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        constraints = [
            models.UniqueConstraint(fields=["establishment", "name"], name="unique_school_year"),
            models.UniqueConstraint(
                fields=["establishment"], condition=Q(is_current=True), name="one_current_school_year"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Period(models.Model):
    """A grading period (trimester or semester) of a school year."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="periods")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField(_("name"), max_length=50)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    version = VersionField()

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")

    def __str__(self) -> str:
        return self.name


class Level(models.Model):
    """A national level (CP, CM2, 6e, 2nde...): reference data shared by every establishment."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"))
    is_primary = models.BooleanField(_("primary level"), default=False)

    class Meta:
        ordering = ["order"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")

    def __str__(self) -> str:
        return self.name


class SchoolClass(models.Model):
    """A class (division) of a school year: "CM2 A", "3e B". Never called ``Class``."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="school_classes")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="school_classes")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=50)
    code = models.CharField(_("code"), max_length=30)
    homeroom_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="homeroom_classes",
        verbose_name=_("homeroom teacher"),
    )
    students: "models.ManyToManyField[Any, Any]" = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Enrollment", related_name="school_classes"
    )
    version = VersionField()

    class Meta:
        ordering = ["level__order", "name"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        constraints = [
            models.UniqueConstraint(fields=["establishment", "school_year", "code"], name="unique_class_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Enrollment(models.Model):
    """A student belongs to a class for a school year."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="enrollments")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [models.UniqueConstraint(fields=["school_class", "student"], name="unique_enrollment")]

    def __str__(self) -> str:
        return f"{self.student} — {self.school_class}"


class TeachingGroup(models.Model):
    """Students of one or several classes taught together (option, language, half-class)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="teaching_groups")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="teaching_groups")
    name = models.CharField(_("name"), max_length=80)
    code = models.CharField(_("code"), max_length=40)
    school_classes = models.ManyToManyField(
        SchoolClass, blank=True, related_name="teaching_groups", verbose_name=_("classes")
    )
    students: "models.ManyToManyField[Any, Any]" = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="GroupMembership", related_name="teaching_groups"
    )
    version = VersionField()

    class Meta:
        ordering = ["name"]
        verbose_name = _("teaching group")
        verbose_name_plural = _("teaching groups")
        constraints = [
            models.UniqueConstraint(fields=["establishment", "school_year", "code"], name="unique_group_code"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    """A student belongs to a teaching group."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    teaching_group = models.ForeignKey(TeachingGroup, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships")

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [models.UniqueConstraint(fields=["teaching_group", "student"], name="unique_group_membership")]

    def __str__(self) -> str:
        return f"{self.student} — {self.teaching_group}"


class Subject(models.Model):
    """A subject taught in the establishment (national BCN code when known)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="subjects")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    version = VersionField()

    class Meta:
        ordering = ["name"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        constraints = [models.UniqueConstraint(fields=["establishment", "code"], name="unique_subject_code")]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    """A room of the establishment."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=80)
    capacity = models.PositiveSmallIntegerField(_("capacity"), null=True, blank=True)
    version = VersionField()

    class Meta:
        ordering = ["name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [models.UniqueConstraint(fields=["establishment", "name"], name="unique_room_name")]

    def __str__(self) -> str:
        return self.name


class Teaching(models.Model):
    """A teacher teaches a subject to a class or to a teaching group."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="teachings")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teachings", verbose_name=_("teacher")
    )
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="teachings", verbose_name=_("subject"))
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.CASCADE, related_name="teachings", verbose_name=_("class")
    )
    teaching_group = models.ForeignKey(
        TeachingGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="teachings",
        verbose_name=_("teaching group"),
    )
    version = VersionField()

    class Meta:
        verbose_name = _("teaching")
        verbose_name_plural = _("teachings")
        constraints = [
            models.CheckConstraint(
                condition=Q(school_class__isnull=False, teaching_group__isnull=True)
                | Q(school_class__isnull=True, teaching_group__isnull=False),
                name="teaching_class_xor_group",
            ),
            models.UniqueConstraint(
                fields=["teacher", "subject", "school_class", "teaching_group"], name="unique_teaching"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} — {self.school_class or self.teaching_group} — {self.teacher}"


class SocialFeature(models.TextChoices):
    """A social feature that may be switched on or off for the students of a level."""

    COMMENTS = "comments", _("Comments")  # comment on blog posts and wall posts
    REACTIONS = "reactions", _("Reactions")  # react to a post ("like")
    STUDENT_POSTS = "student_posts", _("Posts by students")  # write posts other students read
    FORUMS = "forums", _("Forums")  # read and write in forums


class Stage(models.TextChoices):
    """The stage of a level: primary (nursery and elementary) or secondary (collège and lycée)."""

    PRIMARY = "primary", _("Primary (nursery and elementary school)")
    SECONDARY = "secondary", _("Secondary (collège and lycée)")


class SocialCeiling(models.Model):
    """A territory's ceiling of social features: the row that versions the edits of its entries.

    It exists once the territory admin first saved the ceiling; without it (or without an entry)
    every feature is allowed.
    """

    territory = models.OneToOneField(Territory, on_delete=models.CASCADE, related_name="social_ceiling")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = VersionField()

    class Meta:
        verbose_name = _("social features ceiling")
        verbose_name_plural = _("social features ceilings")

    def __str__(self) -> str:
        return str(self.territory)


class SocialCeilingEntry(models.Model):
    """Whether the establishments of a territory may switch a feature on for the levels of a stage."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="social_ceiling_entries")
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    feature = models.CharField(_("feature"), max_length=20, choices=SocialFeature.choices)
    allowed = models.BooleanField(_("establishments may switch it on"), default=True)

    class Meta:
        verbose_name = _("social features ceiling entry")
        verbose_name_plural = _("social features ceiling entries")
        constraints = [
            models.UniqueConstraint(fields=["territory", "stage", "feature"], name="unique_social_ceiling_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.territory_id} {self.stage} {self.feature} {self.allowed}"


class SocialSettings(models.Model):
    """An establishment's social features: the row that versions the edits of its switches.

    It exists once the establishment first saved its choices; a level without a switch keeps the
    default (off for primary levels and in primary schools, on for secondary levels).
    """

    establishment = models.OneToOneField(Establishment, on_delete=models.CASCADE, related_name="social_settings")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = VersionField()

    class Meta:
        verbose_name = _("social features settings")
        verbose_name_plural = _("social features settings")

    def __str__(self) -> str:
        return str(self.establishment)


class SocialSwitch(models.Model):
    """The establishment's choice of one social feature for the students of one level."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="social_switches")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="+")
    feature = models.CharField(_("feature"), max_length=20, choices=SocialFeature.choices)
    enabled = models.BooleanField(_("switched on"), default=False)

    class Meta:
        verbose_name = _("social feature switch")
        verbose_name_plural = _("social feature switches")
        constraints = [
            models.UniqueConstraint(fields=["establishment", "level", "feature"], name="unique_social_switch"),
        ]

    def __str__(self) -> str:
        return f"{self.establishment_id} {self.level_id} {self.feature} {self.enabled}"
