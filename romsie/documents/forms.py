"""Forms of "My documents". Rights, names and quotas are checked again by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from romsie.core.forms import VersionedForm
from romsie.core.uploads import ALLOWED_WIDE, MultipleFileField, MultipleFileInput

from .models import MB, DocumentSettings, EstablishmentDocumentSettings, Node

#: files one plain (script-less) upload form takes at once; the script sends one file per request
MAX_FILES_AT_ONCE = 20
#: what the file picker offers (a phone opens its camera or its files)
ACCEPT = ",".join(f".{extension}" for extension in sorted(ALLOWED_WIDE) if extension) + ",image/*"


class UploadForm(forms.Form):
    uploads = MultipleFileField(
        label=_("Files"),
        max_files=MAX_FILES_AT_ONCE,
        widget=MultipleFileInput(attrs={"accept": ACCEPT, "data-upload-input": ""}),
        help_text=_("Choose one or several files (at most %(count)d at once).") % {"count": MAX_FILES_AT_ONCE},
    )
    replace = forms.BooleanField(
        label=_("When a file of the same name is there, add mine as its new version"), required=False
    )


class FolderForm(forms.Form):
    name = forms.CharField(label=_("Name of the new folder"), max_length=255)


class RenameForm(VersionedForm):
    name = forms.CharField(label=_("New name"), max_length=255)

    def __init__(self, *args: Any, node: Node, **kwargs: Any) -> None:
        super().__init__(*args, edited=node, **kwargs)
        self.fields["name"].initial = node.name


def folder_tree(folders: list[Node]) -> list[tuple[Node, int]]:
    """Folders in tree order (each followed by its sub-folders, by name), with their depth."""
    by_parent: dict[int | None, list[Node]] = {}
    for folder in folders:
        by_parent.setdefault(folder.parent_id, []).append(folder)
    known = {folder.pk for folder in folders}
    tops = [folder for folder in folders if folder.parent_id not in known]
    ordered: list[tuple[Node, int]] = []

    def walk(folder: Node, depth: int) -> None:
        ordered.append((folder, depth))
        for child in sorted(by_parent.get(folder.pk, []), key=lambda f: f.name_key):
            walk(child, depth + 1)

    for top in sorted(tops, key=lambda f: (len(f.path), f.name_key)):
        walk(top, 0)
    return ordered


class FolderChoiceForm(VersionedForm):
    """Move or copy: choose the folder (a list of the space's folders, indented as a tree)."""

    target = forms.TypedChoiceField(label=_("Into the folder"), coerce=int)

    def __init__(self, *args: Any, node: Node, folders: list[Node], versioned: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, edited=node if versioned else None, **kwargs)
        tree = folder_tree(folders)
        target = self.fields["target"]
        assert isinstance(target, forms.TypedChoiceField)
        target.choices = [(f.pk, "\u2003" * depth + f.name) for f, depth in tree]
        self.fields["target"].initial = node.parent_id

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        return [(_("Folder"), str(current.parent) if current.parent_id else "—")]


class CopyForm(FolderChoiceForm):
    name = forms.CharField(
        label=_("Name of the copy"),
        max_length=255,
        required=False,
        help_text=_("Leave empty to keep the name (numbered when the folder already holds it)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, versioned=False, **kwargs)


class QuotaField(forms.IntegerField):
    """A quota typed in megabytes, stored in bytes."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 10_000_000)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value // MB if isinstance(value, int) else value

    def clean(self, value: Any) -> Any:
        cleaned = super().clean(value)
        return cleaned * MB if cleaned is not None else None


MEGABYTES = _("in megabytes")


class TerritorySettingsForm(VersionedForm, forms.ModelForm):  # type: ignore[type-arg]
    """A territory's defaults (territory administration)."""

    student_quota_bytes = QuotaField(label=_("Students' quota"), help_text=MEGABYTES)
    parent_quota_bytes = QuotaField(label=_("Parents' quota"), help_text=MEGABYTES)
    teacher_quota_bytes = QuotaField(label=_("Teachers' quota"), help_text=MEGABYTES)
    staff_quota_bytes = QuotaField(label=_("Staff's quota"), help_text=MEGABYTES)
    partner_quota_bytes = QuotaField(label=_("Partners' quota"), help_text=MEGABYTES)
    ceiling_bytes = QuotaField(
        label=_("Highest quota"), help_text=_("in megabytes: no establishment may give more to anyone")
    )
    class_space_quota_bytes = QuotaField(label=_("Quota of a class space"), help_text=MEGABYTES)
    team_space_quota_bytes = QuotaField(label=_("Quota of a team space"), help_text=MEGABYTES)
    max_file_bytes = QuotaField(label=_("Largest file"), help_text=MEGABYTES, min_value=1)
    trash_days = forms.IntegerField(label=_("Days in the trash before deletion"), min_value=1, max_value=3650)
    version_days = forms.IntegerField(label=_("Days old versions are kept"), min_value=1, max_value=3650)

    class Meta:
        model = DocumentSettings
        fields = [
            "student_quota_bytes",
            "parent_quota_bytes",
            "teacher_quota_bytes",
            "staff_quota_bytes",
            "partner_quota_bytes",
            "ceiling_bytes",
            "class_space_quota_bytes",
            "team_space_quota_bytes",
            "max_file_bytes",
            "trash_days",
            "version_days",
        ]


class EstablishmentSettingsForm(VersionedForm, forms.ModelForm):  # type: ignore[type-arg]
    """An establishment's quotas (empty: the territory's default) and the class spaces' switch."""

    student_quota_bytes = QuotaField(label=_("Students' quota"), required=False)
    parent_quota_bytes = QuotaField(label=_("Parents' quota"), required=False)
    teacher_quota_bytes = QuotaField(label=_("Teachers' quota"), required=False)
    staff_quota_bytes = QuotaField(label=_("Staff's quota"), required=False)
    partner_quota_bytes = QuotaField(label=_("Partners' quota"), required=False)

    class Meta:
        model = EstablishmentDocumentSettings
        fields = [
            "student_quota_bytes",
            "parent_quota_bytes",
            "teacher_quota_bytes",
            "staff_quota_bytes",
            "partner_quota_bytes",
            "guardians_see_class_spaces",
        ]

    def __init__(self, *args: Any, territory: DocumentSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in ("student", "parent", "teacher", "staff", "partner"):
            field = self.fields[f"{kind}_quota_bytes"]
            field.help_text = _("In megabytes; empty: the territory's %(default)s. At most %(ceiling)s.") % {
                "default": filesizeformat(getattr(territory, f"{kind}_quota_bytes")),
                "ceiling": filesizeformat(territory.ceiling_bytes),
            }
