"""System checks: every URL pattern's view declares an access rule; production shares its cache."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.urls import URLPattern, URLResolver, get_resolver

from .access.declarations import access_of


def iter_patterns(resolver: URLResolver | None = None, namespaces: tuple[str, ...] = ()) -> Any:
    """Yield ``(namespaces, pattern)`` for every URL pattern of the project."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from iter_patterns(entry, ns)
        elif isinstance(entry, URLPattern):
            yield namespaces, entry


def undeclared_views() -> list[str]:
    exempt = set(settings.ROMSIE_ACCESS_EXEMPT_NAMESPACES)
    missing = []
    for namespaces, pattern in iter_patterns():
        if exempt & set(namespaces):
            continue
        if access_of(pattern.callback) is None:
            missing.append(":".join((*namespaces, pattern.name or str(pattern.pattern))))
    return missing


@register()
def check_views_declare_access(app_configs: Any, **kwargs: Any) -> list[Error]:
    return [
        Error(f"View {name} declares no access rule.", hint="Use public, signed_in or requires.", id="romsie.E001")
        for name in undeclared_views()
    ]


@register(deploy=True)
def check_cache_is_shared(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """Warn when production keeps its cache in each process (no ``REDIS_URL``)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if not backend.endswith(".LocMemCache"):
        return []
    return [
        Warning(
            "The cache is local to each process: with several workers, a change of rights "
            "reaches the others only when their cached scopes expire (up to a minute).",
            hint="Set REDIS_URL (see docs/operations.md).",
            id="romsie.W001",
        )
    ]
