"""Template helpers shared by every app."""

from typing import Any

from django import template

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
