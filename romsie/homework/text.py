"""Links of the homework log (its rich text is sanitised by ``core.richtext``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

MAX_LINKS = 10


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
