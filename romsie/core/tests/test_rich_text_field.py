"""The one rich-text editor as a form field: cleaned by the one sanitiser, empty when only tags."""

from __future__ import annotations

import json

import pytest
from django import forms
from django.template import Context, Template

from romsie.core.forms import RichTextField, RichTextWidget


class NoteForm(forms.Form):
    body = RichTextField(label="Text")
    remark = RichTextField(label="Remark", required=False)


def test_the_field_returns_what_the_sanitiser_keeps() -> None:
    form = NoteForm(
        {"body": '<p onclick="x()">Un <b>mot</b><script>alert(1)</script></p><h3>Titre</h3><ul><li>un</li></ul>'}
    )
    assert form.is_valid(), form.errors
    body = form.cleaned_data["body"]
    assert body == "<p>Un <b>mot</b></p><h3>Titre</h3><ul><li>un</li></ul>"


def test_plain_text_becomes_paragraphs() -> None:
    form = NoteForm({"body": "Bonjour\n\n<3 & merci"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["body"] == "<p>Bonjour</p>\n\n<p>&lt;3 &amp; merci</p>"


@pytest.mark.parametrize(
    "empty", ["", "   ", "<p></p>", "<p><br></p>", "<p>&nbsp;</p>", "<script>x</script>", "<img src=x>"]
)
def test_only_tags_is_empty_refused_when_required_and_blank_otherwise(empty: str) -> None:
    form = NoteForm({"body": empty, "remark": empty})
    assert not form.is_valid()
    assert list(form.errors) == ["body"]
    assert form.errors["body"] == [str(forms.Field.default_error_messages["required"])]
    assert form.cleaned_data["remark"] == ""


def test_links_get_nofollow_and_lose_unsafe_schemes() -> None:
    form = NoteForm({"body": '<a href="https://example.org">ici</a> <a href="javascript:x()">là</a>'})
    assert form.is_valid(), form.errors
    body = form.cleaned_data["body"]
    assert 'rel="noopener noreferrer nofollow"' in body and "javascript" not in body


def test_the_widget_keeps_a_textarea_and_passes_translated_labels() -> None:
    html = NoteForm()["body"].as_widget()
    assert "<textarea" in html and 'name="body"' in html
    assert "data-rich-text-editor=" in html
    labels_attr = html.split('data-rich-text-editor="', 1)[1].split('"', 1)[0]
    labels = json.loads(labels_attr.replace("&quot;", '"'))
    assert {"toolbar", "bold", "italic", "heading", "bulletList", "numberedList", "link", "quote"} <= set(labels)
    assert "<script" not in html and "style=" not in html


def test_the_widget_declares_its_assets_and_the_page_shell_renders_them() -> None:
    media = str(RichTextWidget().media)
    assert "core/editor.js" in media and "defer" in media and "core/editor.css" in media
    shell = Template('{% extends "base.html" %}').render(Context({"form": NoteForm()}))
    assert "core/editor.js" in shell and "core/editor.css" in shell
