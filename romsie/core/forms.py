"""Forms of the core app, and what every app's forms share.

- :class:`VersionedForm`: the edit form of shared data posts the version it showed and, when
  the service raises :class:`~romsie.core.concurrency.StaleEdit`, shows the other person's
  version above the person's own text (see ``romsie/core/concurrency.py``).
- :class:`BoundedDateField`, :class:`BoundedDateTimeField` and :func:`bounded_formfield`: dates
  a person types are kept between :data:`MIN_YEAR` and :data:`MAX_YEAR`, so that "0001-01-01"
  is a form error rather than an overflow in time-zone arithmetic (a 500).
- :class:`PickerField` and :class:`PickerWidget`: the one recipients/members picker (people by
  name and groups, as a searchable checkbox list); choices come from the app's access module.
- :func:`show_error`: how a view shows a service's :class:`~romsie.core.errors.ApplicationError`.
- :class:`RichTextField` and :class:`RichTextWidget`: the one rich-text editor (messages, news,
  the homework log, every later editor). Without a script it is a plain text area; with
  ``core/editor.js`` it becomes a formatting toolbar over an editable region kept in sync with
  the text area. The field returns what :func:`~romsie.core.richtext.clean_rich_text` returns.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.http import HttpRequest, QueryDict
from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from .concurrency import StaleEdit
from .errors import ApplicationError
from .ids import parse_id
from .richtext import clean_rich_text, has_text


def rich_text_labels() -> dict[str, str]:
    """Return the editor's labels in the reader's language (the script has no text of its own)."""
    return {
        "toolbar": str(_("Formatting")),
        "editor": str(_("Formatted text")),
        "bold": str(_("Bold")),
        "italic": str(_("Italic")),
        "heading": str(_("Heading")),
        "bulletList": str(_("Bulleted list")),
        "numberedList": str(_("Numbered list")),
        "link": str(_("Link")),
        "quote": str(_("Quote")),
        "address": str(_("Address of the link (https://…)")),
    }


class RichTextWidget(forms.Textarea):
    """A text area that ``core/editor.js`` turns into an accessible rich-text editor.

    The text area stays the form field: the script hides it, shows a toolbar and an editable
    region, and copies the region's HTML into it. Without the script people type plain text (or
    a little HTML) into it, and the server cleans either the same way.
    """

    template_name = "core/widgets/rich_text.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"rows": 10, **(attrs or {})})

    class Media:
        css = {"all": ["core/editor.css"]}
        js = [forms.Script("core/editor.js", defer=True)]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["labels"] = json.dumps(rich_text_labels())
        return context


class RichTextField(forms.CharField):
    """Rich text typed by a person, returned cleaned by ``core.richtext.clean_rich_text``.

    A value that shows no text once cleaned (only tags, only spaces) counts as empty: refused
    when the field is required, ``""`` otherwise.
    """

    widget = RichTextWidget
    default_help_text = _("Use the toolbar (or Ctrl+B, Ctrl+I, Ctrl+K) for bold, italics and links.")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 50_000)
        kwargs.setdefault("help_text", self.default_help_text)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        html = clean_rich_text(text)
        return html if has_text(html) else ""


# Dates typed in forms: wide enough for any school's past and future, far from the limits of
# ``datetime`` (years 1 and 9999) where converting between time zones overflows.
MIN_YEAR = 1900
MAX_YEAR = 2100


def check_year_bounds(value: datetime.date | None) -> None:
    """Refuse a date (or date and time) outside :data:`MIN_YEAR`..:data:`MAX_YEAR`."""
    if value is not None and not (MIN_YEAR <= value.year <= MAX_YEAR):
        raise _year_error()


def _year_error() -> forms.ValidationError:
    return forms.ValidationError(
        _("Enter a date between the years %(min)s and %(max)s."),
        code="year_out_of_bounds",
        params={"min": MIN_YEAR, "max": MAX_YEAR},
    )


class BoundedDateField(forms.DateField):
    """A date field that refuses years outside :data:`MIN_YEAR`..:data:`MAX_YEAR`."""

    def to_python(self, value: Any) -> datetime.date | None:
        result = super().to_python(value)
        check_year_bounds(result)
        return result


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker (``datetime-local``), for a ``BoundedDateTimeField``."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class BoundedDateTimeField(forms.DateTimeField):
    """A date-and-time field that refuses years outside :data:`MIN_YEAR`..:data:`MAX_YEAR`."""

    def to_python(self, value: Any) -> datetime.datetime | None:
        try:
            result = super().to_python(value)
        except OverflowError as overflow:
            raise _year_error() from overflow
        check_year_bounds(result)
        return result


def bounded_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """``formfield_callback`` of model forms: their date fields become bounded ones."""
    if isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", BoundedDateTimeField)
    elif isinstance(db_field, models.DateField):
        kwargs.setdefault("form_class", BoundedDateField)
    return db_field.formfield(**kwargs)


# -- Edits of shared data --------------------------------------------------------------------


class VersionedForm(forms.Form):
    """Base of every edit form of shared data: posts the version it showed.

    The edited object is the model form's ``instance``, or ``edited=`` for a plain form. A form
    that creates (no edited object yet) has no ``version`` field. Mix it in first:
    ``class RoomForm(VersionedForm, forms.ModelForm)``.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, edited: models.Model | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if edited is None:
            edited = getattr(self, "instance", None)
        self.edited = edited if edited is not None and edited.pk is not None else None
        self.conflict: StaleEdit | None = None
        if self.edited is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.edited.version  # type: ignore[attr-defined]

    @property
    def shown_version(self) -> int | None:
        """The version the person saw (``None`` when the form creates)."""
        value: int | None = self.cleaned_data.get("version")
        return value

    def refuse_stale(self, error: StaleEdit) -> None:
        """Show the other person's version; keep the typed text; carry the current version.

        Saving the form again then knowingly replaces the other person's version.
        """
        self.conflict = error
        self.add_error(None, error.message)
        if error.current is not None and "version" in self.fields:
            data = QueryDict(mutable=True)
            data.update(self.data)  # request.POST: every value of multi-valued fields is kept
            data[self.add_prefix("version")] = str(error.current.version)  # type: ignore[attr-defined]
            self.data = data

    def conflict_rows(self) -> list[tuple[Any, str]]:
        """The other person's version, as (label, text) rows shown above the form."""
        if self.conflict is None or self.conflict.current is None:
            return []
        return self.current_values(self.conflict.current)

    def current_values(self, current: Any) -> list[tuple[Any, str]]:
        """Read the form's visible fields on ``current``; override where fields are not attributes."""
        rows = []
        for bound in self.visible_fields():
            shown = getattr(current, f"get_{bound.name}_display", None)
            value = shown() if callable(shown) else getattr(current, bound.name, None)
            rows.append((bound.label, self.value_text(bound.name, value)))
        return rows

    def value_text(self, name: str, value: Any) -> str:
        """Show ``value`` of the field ``name`` as the form names it (a chosen object by its label)."""
        field = self.fields[name]
        if isinstance(value, models.Manager):
            value = list(value.all())
        if isinstance(field, forms.ModelChoiceField):
            label = field.label_from_instance
            if isinstance(value, models.Model):
                value = label(value)
            elif isinstance(value, list):
                value = ", ".join(label(v) if isinstance(v, models.Model) else str(v) for v in value)
        return display_value(value)


def show_error(request: HttpRequest, error: ApplicationError, form: forms.BaseForm | None = None) -> None:
    """Show a service's refusal: the one way views show an :class:`~romsie.core.errors.ApplicationError`.

    With a form, the message goes above its fields (a :class:`StaleEdit` on a
    :class:`VersionedForm` also shows the other person's version); without one, it becomes a
    message of the next page (``django.contrib.messages``).
    """
    if form is None:
        messages.error(request, error.message)
    elif isinstance(error, StaleEdit) and isinstance(form, VersionedForm):
        form.refuse_stale(error)
    else:
        form.add_error(None, error.message)


def display_value(value: Any) -> str:
    """Show a stored value to a person: dates in their format, yes/no, text without tags."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, datetime.time):
        return formats.time_format(value, "TIME_FORMAT")
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(display_value(v) for v in value) or "—"
    return strip_tags(str(value)).strip() or "—"


# -- The picker: people and groups, as a searchable checkbox list ------------------------------


@dataclass(frozen=True)
class PickerChoice:
    """One thing a picker offers: its token (``user:7``, ``class-guardians:3``), label and section."""

    token: str
    label: str
    section: str = ""
    obj: Any = dataclass_field(default=None, compare=False, repr=False)


def person_choice(person: Any) -> PickerChoice:
    """A person as a picker offers them: the token ``user:<id>`` and their full name."""
    return PickerChoice(f"user:{person.pk}", person.get_full_name(), obj=person)


PeopleLookup = Callable[[list[int]], list[PickerChoice]]
PeopleSearch = Callable[[str], list[PickerChoice]]


def _no_people(ids: list[int]) -> list[PickerChoice]:
    return []


def person_ids(tokens: Sequence[str]) -> list[int]:
    """The ids of the ``user:<id>`` tokens (others, and ids too long to be any, left out)."""
    return [pk for t in tokens if t.startswith("user:") and (pk := parse_id(t[5:])) is not None]


class PickerWidget(forms.Widget):
    """Checkboxes grouped by section, chosen people, and a name search; ``core/picker.js`` adds
    a filter box, removable chips and a live count. Set up by :class:`PickerField`."""

    template_name = "core/widgets/picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.field: PickerField | None = None

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        if hasattr(data, "getlist"):
            return list(data.getlist(name))
        value = data.get(name)
        return list(value) if isinstance(value, (list, tuple)) else ([value] if value else [])

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def format_value(self, value: Any) -> list[str]:  # type: ignore[override]
        if not value:
            return []
        return [str(v) for v in (value if isinstance(value, (list, tuple)) else [value])]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        field = self.field
        tokens = self.format_value(value)
        chosen = set(tokens)
        sections: dict[str, list[PickerChoice]] = {}
        people: list[PickerChoice] = []
        found: list[PickerChoice] = []
        query = ""
        if field is not None:
            for choice in field.groups:
                sections.setdefault(choice.section, []).append(choice)
            people = field.people_of(person_ids(tokens))
            query = field.query
            found = [p for p in field.search(query) if p.token not in chosen] if query else []
        base = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["picker"] = {
            "base": base,
            "sections": sections,
            "chosen": chosen,
            "people": people,
            "found": found,
            "query": query,
            "describedby": context["widget"]["attrs"].get("aria-describedby", ""),
            "search_url": field.search_url if field is not None else "",
        }
        return context


class PickerField(forms.Field):
    """The one recipients/members picker: tokens chosen among what the app's access module offers.

    ``groups`` are every group one may choose; ``people`` looks up, among the given ids, the
    people one may choose (ids come from the request: anyone else is left out); ``search``
    finds people by name. A token outside these choices is a form error that names no one.
    """

    widget = PickerWidget
    default_error_messages = {
        "forbidden_people": _("Some of the people chosen cannot be chosen; remove them and try again."),
        "forbidden_groups": _("Some of the groups chosen cannot be chosen; remove them and try again."),
        "too_many": _("Choose at most %(max)d people one by one; choose a group instead."),
    }

    def __init__(
        self,
        *,
        groups: Sequence[PickerChoice] = (),
        people: PeopleLookup = _no_people,
        search: PeopleSearch | None = None,
        search_url: str = "",
        query: str = "",
        max_people: int = 500,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.groups = list(groups)
        self._people = people
        self._search = search
        self.search_url = search_url
        self.query = query.strip()[:100]
        self.max_people = max_people
        self._looked_up: dict[tuple[int, ...], list[PickerChoice]] = {}
        assert isinstance(self.widget, PickerWidget)
        self.widget.field = self

    def __deepcopy__(self, memo: dict[int, Any]) -> PickerField:
        result: PickerField = super().__deepcopy__(memo)  # type: ignore[assignment]
        assert isinstance(result.widget, PickerWidget)
        result.widget.field = result
        return result

    def people_of(self, ids: list[int]) -> list[PickerChoice]:
        """The chosen people among those one may choose (one query per set of ids)."""
        key = tuple(sorted(set(ids)))[: self.max_people]
        if not key:
            return []
        if key not in self._looked_up:
            self._looked_up[key] = self._people(list(key))
        return self._looked_up[key]

    def search(self, query: str) -> list[PickerChoice]:
        return self._search(query) if self._search is not None and query else []

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        return list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        ids = person_ids(value)
        if len(ids) > self.max_people:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": self.max_people}
            )
        groups = {c.token for c in self.groups}
        if any(t not in groups and not (t.startswith("user:") and parse_id(t[5:]) is not None) for t in value):
            raise forms.ValidationError(self.error_messages["forbidden_groups"], code="forbidden_groups")
        allowed = {c.token for c in self.people_of(ids)}
        if any(f"user:{pk}" not in allowed for pk in ids):
            raise forms.ValidationError(self.error_messages["forbidden_people"], code="forbidden_people")
