"""Rich text of messages: a small allowed subset of HTML, sanitised with ``nh3``."""

from __future__ import annotations

import re

import nh3
from django.utils.html import escape, linebreaks, strip_tags

from romsie.core.text import fold

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
_TAG = re.compile(r"<[a-zA-Z/!]")


def clean_body(text: str) -> str:
    """Return safe HTML for a message body: plain text becomes paragraphs, HTML is sanitised."""
    text = text.strip()
    if not _TAG.search(text):
        return linebreaks(escape(text))
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


def search_text(subject: str, body_html: str) -> str:
    """Return the folded plain text searched in a person's own messages."""
    return fold(f"{subject} {strip_tags(body_html)}")
