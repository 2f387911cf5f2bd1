"""Forms of the import pages: the upload (format and files) and a generic CSV's column mapping."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from romsie.core.text import fold

from .onde import CSV_FIELDS, CSV_REQUIRED_FIELDS
from .records import max_file_bytes

MAX_FILES = 12
FORMAT_CHOICES = [
    ("aaf", gettext_lazy("AAF XML files (secondary: establishment, students, guardians, staff, subjects)")),
    ("onde", gettext_lazy("ONDE CSV extractions (primary: pupils, guardians, teachers)")),
    ("csv", gettext_lazy("Another CSV file, with its columns matched to fields")),
]
FIELD_LABELS = {
    "kind": gettext_lazy("Kind of person (student, guardian, teacher, staff)"),
    "external_id": gettext_lazy("Identifier"),
    "last_name": gettext_lazy("Family name"),
    "first_name": gettext_lazy("First name"),
    "email": gettext_lazy("E-mail"),
    "class_code": gettext_lazy("Class"),
    "ine": gettext_lazy("INE (national student number)"),
    "birth_date": gettext_lazy("Birth date (students: only their coming of age is kept)"),
    "function": gettext_lazy("Staff function"),
    "child": gettext_lazy("Child's identifier (guardians)"),
}
_ONDE_KINDS = {"eleve": "pupils", "responsable": "guardians", "enseignant": "teachers"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field accepting several files at once (returns a list)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        # No file at all (an empty list from the widget): the field's own "required" error.
        return [single(data, initial)] if data else single(None, initial)


class ImportUploadForm(forms.Form):
    """Choose the format and upload the files of one import."""

    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=FORMAT_CHOICES, widget=forms.RadioSelect)
    uploads = MultipleFileField(label=gettext_lazy("Files"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["uploads"].help_text = _(
            "Several files at once. AAF: the .xml files of one extraction (ENT_Complet_... or ENT_Delta_...); "
            "ONDE: the three CSVExtraction files (pupils, guardians, teachers); other CSV: one person per row, "
            "separated by ; or ,. At most %(n)d files of %(mb)d MB each."
        ) % {"n": MAX_FILES, "mb": max(1, max_file_bytes() >> 20)}
        self.fields["uploads"].widget.attrs["accept"] = ".xml,.csv,text/csv,text/xml,application/xml"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        files: list[UploadedFile] = data.get("uploads") or []
        chosen = data.get("format")
        if not files or not chosen:
            return data
        if len(files) > MAX_FILES:
            self.add_error("uploads", _("Too many files: at most %(n)d.") % {"n": MAX_FILES})
        names = [str(f.name or "") for f in files]
        for upload, name in zip(files, names, strict=True):
            if (upload.size or 0) > max_file_bytes():
                self.add_error(
                    "uploads",
                    _("%(name)s is larger than the limit of %(mb)s MB.")
                    % {"name": name, "mb": f"{max_file_bytes() / (1 << 20):g}"},
                )
            elif not upload.size:
                self.add_error("uploads", _("%(name)s is empty.") % {"name": name})
        duplicates = sorted(n for n, count in Counter(names).items() if count > 1)
        if duplicates:
            self.add_error(
                "uploads", _("The same file was chosen twice: %(names)s.") % {"names": ", ".join(duplicates)}
            )
        extension = ".xml" if chosen == "aaf" else ".csv"
        wrong = [n for n in names if not n.lower().endswith(extension)]
        if wrong:
            self.add_error(
                "uploads",
                _("These files are not %(ext)s files, as the chosen format needs: %(names)s.")
                % {"ext": extension, "names": ", ".join(wrong)},
            )
        elif chosen == "onde":
            self._check_onde(names)
        return data

    def _check_onde(self, names: list[str]) -> None:
        kinds: Counter[str] = Counter()
        for name in names:
            found = [kind for key, kind in _ONDE_KINDS.items() if key in fold(name)]
            if len(found) != 1:
                self.add_error(
                    "uploads",
                    _(
                        "%(name)s: the name of an ONDE file must tell whether it lists pupils (eleves), "
                        "guardians (responsables) or teachers (enseignants)."
                    )
                    % {"name": name},
                )
                return
            kinds[found[0]] += 1
        if any(n > 1 for n in kinds.values()):
            self.add_error("uploads", _("Give one ONDE file of each kind (pupils, guardians, teachers)."))
        elif "pupils" not in kinds:
            self.add_error("uploads", _("The pupils file (CSVExtraction-eleves) is needed: the others refer to it."))


class ColumnMappingForm(forms.Form):
    """Match each column of a generic CSV to a field (or ignore it)."""

    def __init__(self, *args: Any, headers: list[str], initial_mapping: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [("", _("(ignore this column)"))] + [(name, FIELD_LABELS[name]) for name in CSV_FIELDS]
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=initial_mapping.get(fold(header), "")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [data.get(f"column_{i}") or "" for i in range(len(self.headers))]
        used = Counter(c for c in chosen if c)
        for name, count in sorted(used.items()):
            if count > 1:
                raise forms.ValidationError(
                    _("The field “%(field)s” is chosen for %(n)d columns: choose it for one only.")
                    % {"field": FIELD_LABELS[name], "n": count}
                )
        missing = [str(FIELD_LABELS[name]) for name in CSV_REQUIRED_FIELDS if name not in used]
        if missing:
            raise forms.ValidationError(
                _("Choose a column for each of these fields: %(fields)s.") % {"fields": ", ".join(missing)}
            )
        return data

    def mapping(self) -> dict[str, str]:
        """Return ``{folded header: field}`` ("" for an ignored column)."""
        return {fold(h): self.cleaned_data.get(f"column_{i}") or "" for i, h in enumerate(self.headers)}
