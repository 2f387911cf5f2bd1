"""core/_row_action.html: the one form of one button that acts on a row, named by the row for screen readers."""

from __future__ import annotations

import re

from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

TEMPLATE = "core/_row_action.html"


def render(**context: object) -> str:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return render_to_string(TEMPLATE, context, request=request)


def test_one_form_posting_to_the_url_with_the_csrf_token() -> None:
    html = render(url="/api/jetons/7/revoquer/", label="Revoke", name="Calendrier")
    assert html.count("<form ") == 1
    assert '<form method="post" action="/api/jetons/7/revoquer/" class="inline-form">' in html
    assert re.search(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">', html)


def test_the_button_reads_the_verb_then_the_row_and_is_secondary_by_default() -> None:
    html = render(url="/x/", label="Revoke", name="Calendrier")
    assert (
        '<button type="submit" class="secondary">Revoke<span class="visually-hidden">: Calendrier</span></button>'
        in html
    )


def test_a_link_looking_action_keeps_its_class() -> None:
    html = render(url="/x/", label="Restore", name="Notes.pdf", style="link-button")
    assert '<button type="submit" class="link-button">Restore<span' in html
    assert 'class="secondary"' not in html


def test_the_row_name_is_escaped() -> None:
    html = render(url="/x/", label="Remove", name="<b>x</b>")
    assert "<b>" not in html
    assert '<span class="visually-hidden">: &lt;b&gt;x&lt;/b&gt;</span>' in html


def test_the_verb_is_translated_where_it_is_included() -> None:
    page = engines["django"].from_string(
        '{% include "core/_row_action.html" with url="/x/" label=_("Revoke") name="Calendrier" %}'
    )
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with translation.override("fr"):
        html = page.render({}, request)
    assert ">Révoquer<span" in html
