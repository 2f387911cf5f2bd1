"""Template helpers of the import pages."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_BREAK_AFTER = re.compile(r"([_.\-])")


@register.filter
def breakable(value: object) -> SafeString:
    """Let a long file name ("ENT_Complet_20260901_Eleve_0000.xml") wrap on a phone screen."""
    return mark_safe(_BREAK_AFTER.sub(r"\1<wbr>", str(escape(value))))  # noqa: S308 - escaped just above
