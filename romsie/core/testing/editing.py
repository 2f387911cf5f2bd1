"""Test helpers for edit forms of shared data: two people edit the same thing at once.

Used by every app that applies the stale-edit idiom (``romsie/core/concurrency.py``)::

    refused = race_on_form(url, first=client_for(head), second=client_for(lead),
                           first_data={...}, second_data={...})
    assert "their text" in page_text(refused)
"""

from __future__ import annotations

import html
from typing import Any

from django.http import HttpResponse
from django.test import Client

REFUSAL = "Someone else changed this while you were editing it"


def shown_version(response: HttpResponse) -> str:
    """Return the version the page's form posts (its hidden ``version`` field)."""
    form = response.context["form"]  # type: ignore[attr-defined]
    return str(form["version"].value())


def page_text(response: HttpResponse) -> str:
    """Return the page's HTML with entities decoded, to look for what a person sees or typed."""
    return html.unescape(response.content.decode())


def race_on_form(
    url: str, *, first: Client, second: Client, first_data: dict[str, Any], second_data: dict[str, Any]
) -> HttpResponse:
    """Both load the form, the first saves, the second saves: return the second's (refused) answer."""
    first_version = shown_version(first.get(url))
    second_version = shown_version(second.get(url))
    assert first_version == second_version
    saved = first.post(url, {**first_data, "version": first_version})
    assert saved.status_code == 302, getattr(saved, "context", None) and saved.context["form"].errors
    refused = second.post(url, {**second_data, "version": second_version})
    assert refused.status_code == 200
    assert REFUSAL in page_text(refused)
    return refused
