"""Text of messages: what a person's search reads (bodies are sanitised by ``core.richtext``)."""

from __future__ import annotations

from django.utils.html import strip_tags

from romsie.core.text import fold


def search_text(subject: str, body_html: str) -> str:
    """Return the folded plain text searched in a person's own messages."""
    return fold(f"{subject} {strip_tags(body_html)}")
