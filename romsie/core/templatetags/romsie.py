"""Template helpers shared by every app."""

from collections.abc import Iterable
from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def attr(obj: Any, name: str) -> Any:
    """Return ``obj.name`` following dots, calling ``get_<name>_display`` for choices."""
    value = obj
    for part in name.split("."):
        display = getattr(value, f"get_{part}_display", None)
        value = display() if callable(display) else getattr(value, part, "")
        if callable(value):
            value = value()
        if value is None:
            return ""
    return value


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """Return the current query string with some parameters replaced (pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return str(params.urlencode())


@register.simple_tag
def stylesheets(*sheets: str | Iterable[str]) -> SafeString:
    """Link style sheets (static paths, or lists of them), each once: the one way a page adds CSS.

    A page fills ``{% block app_css %}{% stylesheets "homework/homework.css" %}{% endblock %}``;
    the dashboard passes the sheets its widgets declare (``registry.Widget.css``).
    """
    paths: list[str] = []
    for sheet in sheets:
        for path in [sheet] if isinstance(sheet, str) else sheet:
            if path and path not in paths:  # "" is what the template gives for a missing variable
                paths.append(path)
    return format_html_join("\n", '<link rel="stylesheet" href="{}">', ((static(path),) for path in paths))
