"""Template helpers of the news pages."""

from typing import Any

from django import template

from .. import access
from ..habilitations import NewsHabilitation

register = template.Library()


@register.inclusion_tag("news/_nav.html", takes_context=True)
def news_nav(context: dict[str, Any]) -> dict[str, Any]:
    """Render the news sub-menu with the entries the person may use (no query)."""
    scope = context["scope"]
    return {
        "request": context["request"],
        "can_write": access.can_write_news(scope),
        "can_pin": scope.has(NewsHabilitation.PIN_NOTES),
    }
