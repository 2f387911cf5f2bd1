"""Activation letters: one printed page per person (or per family) with a one-time code.

The caller chooses the recipients and issues the codes (``services.activation_codes_issue``);
this module only lays the letters out and renders them to PDF with WeasyPrint. Nothing
is fetched from the network: the template carries its own styles and no image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .services import format_code


class Recipient:
    """Who a letter is for, as the layout needs it."""

    STUDENT = "student"
    GUARDIAN = "guardian"
    STAFF = "staff"


@dataclass(frozen=True)
class Letter:
    """One page: the person, their username, their fresh code and, for a family, the children."""

    full_name: str
    username: str
    code: str
    recipient: str = Recipient.STUDENT
    children: tuple[str, ...] = field(default_factory=tuple)
    language: str = ""


def activation_url() -> str:
    """Return the absolute address of the first sign-in page, as printed on letters."""
    public_url: str = settings.ROMSIE_PUBLIC_URL
    return public_url.rstrip("/") + reverse("identity:activate")


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # Letters are self-contained; refusing every fetch keeps a stray URL from leaking
    # a request (or the time of printing) to another server.
    raise ValueError(f"Activation letters load no resource ({url}).")


def letters_html(*, establishment_name: str, letters: Sequence[Letter]) -> str:
    """Return the HTML of the letters, each page in its recipient's language."""
    context = {
        "establishment_name": establishment_name,
        "public_url": settings.ROMSIE_PUBLIC_URL.rstrip("/"),
        "activation_url": activation_url(),
        "letters": [
            (letter, format_code(letter.code), letter.language or settings.LANGUAGE_CODE) for letter in letters
        ],
    }
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("identity/letters.html", context)


def letters_pdf(*, establishment_name: str, letters: Sequence[Letter]) -> bytes:
    """Render the activation letters to a PDF document, one page per letter."""
    from weasyprint import HTML  # heavy import, only when printing

    html = letters_html(establishment_name=establishment_name, letters=letters)
    pdf: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return pdf
