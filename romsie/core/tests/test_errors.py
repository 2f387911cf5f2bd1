"""One error for a refused write (``core.errors.ApplicationError``) and one way to show it."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from romsie.core.concurrency import StaleEdit
from romsie.core.errors import ApplicationError
from romsie.core.forms import VersionedForm, show_error
from romsie.core.testing.factories import RoomFactory

ROOT = Path(__file__).resolve().parents[3]


def _request() -> Any:
    request: Any = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_refusal_carries_a_message_for_the_person_and_extra_for_the_caller() -> None:
    error = ApplicationError("Room 12 is already taken at that time.", extra={"run_id": 7})
    assert (error.message, str(error), error.extra) == (
        "Room 12 is already taken at that time.",
        error.message,
        {"run_id": 7},
    )
    assert ApplicationError("No extra.").extra == {}


def test_with_a_form_the_refusal_is_shown_above_its_fields() -> None:
    request, form = _request(), NameForm({"name": "x"})
    assert form.is_valid()
    show_error(request, ApplicationError("Choose at least one recipient."), form)
    assert form.non_field_errors() == ["Choose at least one recipient."]
    assert list(get_messages(request)) == []


def test_without_a_form_the_refusal_is_a_message_of_the_next_page() -> None:
    request = _request()
    show_error(request, ApplicationError("This message can no longer be recalled: someone has read it."))
    assert [str(m) for m in get_messages(request)] == ["This message can no longer be recalled: someone has read it."]


@pytest.mark.django_db
def test_a_stale_edit_is_an_application_error_shown_with_the_other_persons_version() -> None:
    room = RoomFactory(name="Salle 1")

    class RoomForm(VersionedForm):
        name = forms.CharField()

    form = RoomForm({"name": "Salle 2", "version": "0"}, edited=room)
    assert form.is_valid()
    room.version = 1
    show_error(_request(), StaleEdit(room), form)
    assert form.conflict is not None and form.data["version"] == "1"
    assert isinstance(StaleEdit(None), ApplicationError)


SERVICE_MODULES = sorted((ROOT / "romsie").glob("*/services.py"))


@pytest.mark.parametrize("source", SERVICE_MODULES, ids=[p.parent.name for p in SERVICE_MODULES])
def test_services_raise_no_error_class_of_their_own_nor_validation_errors(source: Path) -> None:
    tree = ast.parse(source.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            bases = {ast.unparse(b) for b in node.bases}
            assert not bases & {"Exception", "ValueError", "ValidationError"}, (
                f"{source.relative_to(ROOT)}:{node.lineno} {node.name}: raise core.errors.ApplicationError instead"
            )
        if isinstance(node, ast.Raise) and node.exc is not None and "ValidationError(" in ast.unparse(node.exc):
            pytest.fail(f"{source.relative_to(ROOT)}:{node.lineno} raises ValidationError: raise ApplicationError")
