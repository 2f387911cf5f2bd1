"""The one picker: tokens are validated against the app's choices, and errors name no one."""

from __future__ import annotations

from django import forms

from romsie.core.forms import PickerChoice, PickerField

GROUPS = [PickerChoice("class:1", "Students of 6e A", "Classes"), PickerChoice("staff:all", "All staff", "Staff")]
KNOWN = {7: "Alice Martin", 8: "Bruno Petit"}
STRANGERS = {9: "Zoé Secret"}


def _people(ids: list[int]) -> list[PickerChoice]:
    return [PickerChoice(f"user:{pk}", KNOWN[pk]) for pk in ids if pk in KNOWN]


def _search(query: str) -> list[PickerChoice]:
    return [PickerChoice(f"user:{pk}", name) for pk, name in KNOWN.items() if query.lower() in name.lower()]


class PickerForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["members"] = PickerField(
            groups=GROUPS, people=_people, search=_search, search_url="/find/", max_people=3, required=False
        )


def _form(*tokens: str, **extra: str) -> PickerForm:
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.setlist("members", list(tokens))
    data.update(extra)
    return PickerForm(data)


def test_allowed_groups_and_people_are_kept_once_in_order() -> None:
    form = _form("staff:all", "user:7", " user:7 ", "class:1")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["members"] == ["staff:all", "user:7", "class:1"]


def test_a_forbidden_person_is_an_error_that_names_no_one() -> None:
    form = _form("user:7", "user:9")
    assert not form.is_valid()
    assert form.errors["members"].as_data()[0].code == "forbidden_people"
    page = str(form["members"]) + str(form.errors)
    assert "Zoé Secret" not in page and 'value="user:9"' not in page
    assert 'value="user:7"' in page and "Alice Martin" in page  # the allowed choice stays ticked


def test_an_unknown_group_or_garbage_is_an_error() -> None:
    for token in ("class:2", "staff:none", "user:abc", "user:" + "9" * 30, "<script>"):
        form = _form(token)
        assert not form.is_valid()
        assert form.errors["members"].as_data()[0].code == "forbidden_groups"
        assert "<script>" not in str(form.errors)


def test_too_many_people_one_by_one() -> None:
    form = _form("user:7", "user:8", "user:10", "user:11")
    assert not form.is_valid() and form.errors["members"].as_data()[0].code == "too_many"


def test_nothing_chosen_is_fine_unless_required() -> None:
    assert _form().is_valid()
    form = PickerForm({})
    form.fields["members"].required = True
    assert not form.is_valid()


def test_the_widget_renders_checkboxes_by_section_and_the_search_results() -> None:
    form = PickerForm(initial={"members": ["class:1"]})
    form.fields["members"].query = "bruno"  # type: ignore[attr-defined]
    html = str(form["members"])
    assert "<legend>Classes</legend>" in html and "<legend>Staff</legend>" in html
    assert 'value="class:1" id="id_members-class1" checked' in html
    assert 'value="staff:all" id="id_members-staffall">' in html
    assert "Bruno Petit" in html and "Alice Martin" not in html
    assert "<select" not in html and "multiple" not in html
    assert 'role="status"' in html
