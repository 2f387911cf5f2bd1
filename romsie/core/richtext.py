"""Rich text typed by people (messages, news, the homework log): the one sanitiser, with ``nh3``.

Every app stores what ``clean_rich_text`` returns and renders it with ``|safe``; nothing else
turns typed HTML into stored HTML. Links always get ``rel="noopener noreferrer nofollow"``:
a pupil's or a parent's link earns no search ranking and gets no handle on the ENT's page.
"""

from __future__ import annotations

import re

import nh3
from django.utils.html import escape, linebreaks, strip_tags

#: what the shared editor produces: paragraphs, line breaks, emphasis, headings, lists, links, quotes
# Headings start at h2: a text is shown under its page's h1 (message subject, news title), and
# a heading level skipped (h1 then h3) is an accessibility fault (axe heading-order).
ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "h2", "h3", "h4", "ul", "ol", "li", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
_TAG = re.compile(r"<[a-zA-Z/!]")
_BLOCK = re.compile(r"<\s*(p|ul|ol|br|blockquote|h2|h3|h4)\b", re.IGNORECASE)


def clean_rich_text(text: str) -> str:
    """Return safe HTML for what a person typed: plain text becomes paragraphs, HTML is sanitised.

    Text without any tag is escaped and gets a paragraph per blank-line-separated block and a
    ``<br>`` per line break. HTML with only inline tags gets the same paragraphs, its tags kept.
    Scripts, styles, event handlers, images, frames and ``javascript:`` links are removed.
    """
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return ""
    if not _TAG.search(text):
        return linebreaks(escape(text))
    if not _BLOCK.search(text):
        blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
        text = "".join("<p>{}</p>".format(b.replace("\n", "<br>")) for b in blocks)
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    ).strip()


def has_text(html: str) -> bool:
    """Tell whether sanitised HTML shows any text (not only empty tags or spaces)."""
    return bool(strip_tags(html).replace("&nbsp;", " ").strip())
