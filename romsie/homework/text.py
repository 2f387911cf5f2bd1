"""Rich text of the homework log: paragraphs, bold, italic, lists and links, sanitised with ``nh3``."""

from __future__ import annotations

import re

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_LINKS = 10
_TAG = re.compile(r"<[a-zA-Z/!]")


def clean_html(text: str) -> str:
    """Return safe HTML: plain text becomes paragraphs, HTML keeps only the allowed subset."""
    text = text.strip()
    if not text:
        return ""
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


def clean_links(text: str) -> str:
    """Return the links, one web address a line, or raise ``ValidationError``."""
    links = [line.strip() for line in text.splitlines() if line.strip()]
    if len(links) > MAX_LINKS:
        raise ValidationError(_("At most %(count)s links.") % {"count": MAX_LINKS})
    validate = URLValidator(schemes=["http", "https"])
    for link in links:
        try:
            validate(link)
        except ValidationError as error:
            raise ValidationError(
                _("%(link)s is not a web address (it must start with https:// or http://).") % {"link": link[:80]}
            ) from error
    return "\n".join(links)
