"""Pages of the core app: the dashboard, language choice, health check, the installable app's files."""

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from . import fragments, registry, versions
from .access.declarations import public, signed_in
from .access.scope import ScopedRequest


@signed_in
def dashboard(request: ScopedRequest) -> HttpResponse:
    """Show the widgets that the apps contribute, where their service is on and their habilitation held.

    What is new for the person comes first; the folded widgets (facts and links) follow it,
    each in a ``<details>`` section, so a phone shows today's information on its first screen.
    """
    scope = request.scope
    blocks: list[dict[str, Any]] = []
    folded: list[dict[str, Any]] = []
    widget_css: list[str] = []  # the style sheets of the widgets shown (the template links each once)
    shown = registry.widgets_for(scope)
    for widget, html in zip(shown, _widgets_html(request, shown), strict=True):
        if html:
            widget_css.extend(widget.css)
            if widget.is_folded:
                heading, body = _split_heading(html)
                folded.append({"widget": widget, "heading": heading, "html": body})
            else:
                blocks.append({"widget": widget, "html": html})
    context = {"blocks": blocks, "folded": folded, "widget_css": widget_css}
    return render(request, "core/dashboard.html", context)


_WIDGET_HEADING = re.compile(r"<h2\b[^>]*>.*?</h2>", re.DOTALL)


def _split_heading(html: str) -> tuple[SafeString, SafeString]:
    """Split a rendered widget into its first heading (the fold's summary) and the rest."""
    match = _WIDGET_HEADING.search(html)
    if match is None:
        return mark_safe(""), mark_safe(html)  # noqa: S308 (the widget's own rendered template)
    heading, body = match.group(0), html[: match.start()] + html[match.end() :]
    return mark_safe(heading), mark_safe(body)  # noqa: S308 (the widget's own rendered template)


def _widgets_html(request: ScopedRequest, widgets: list[registry.Widget]) -> list[str]:
    """Render the widgets ("" for one with nothing to show), from the cache for those that declare a stamp.

    Two round trips to the cache for all of them, whatever their number: their stamps are
    computed once to learn which versions they read (``versions.recording``), every version is
    read at once (``versions.prefetched``), then every cached widget at once
    (``fragments.cached_many``).
    """

    def renderer(widget: registry.Widget) -> Callable[[], str]:
        def render_widget() -> str:
            context = widget.get_context(request)
            return "" if context is None else get_template(widget.template_name).render(context, request)

        return render_widget

    stamped = [w for w in widgets if w.cache_stamp is not None]
    with versions.recording() as keys:
        for widget in stamped:
            widget.cache_stamp(request)  # type: ignore[misc]
    with versions.prefetched(keys):
        parts = [(f"widget:{w.key}", w.cache_stamp(request), renderer(w)) for w in stamped]  # type: ignore[misc]
    cached = dict(zip((w.key for w in stamped), fragments.cached_many(request, parts), strict=True))
    return [cached[w.key] if w.key in cached else renderer(w)() for w in widgets]


@public
def set_language(request: HttpRequest) -> HttpResponse:
    """Remember the chosen interface language (French or English), on the account too."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if request.method == "POST" and user.is_authenticated and language in dict(settings.LANGUAGES):
        user.language = language  # type: ignore[union-attr]
        user.save(update_fields=["language"])
    return response


@public
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database answers: for load balancers and monitoring."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@public
@require_GET
def readiness(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database and the cache both work, 503 naming what is degraded.

    For monitoring. The site still serves pages without the cache (slower), so a load
    balancer keeps routing on ``health``: taking every server out because their shared
    Redis is down would turn a slow site into no site.
    """
    checks = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        checks["database"] = "unavailable"
    # A value written then read back: a fail-safe cache answers a miss when Redis is down.
    probe, token = f"romsie:readiness:{uuid.uuid4().hex}", "1"
    cache.set(probe, token, 10)
    if cache.get(probe) != token:
        checks["cache"] = "degraded"
    cache.delete(probe)
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "degraded", **checks}, status=200 if ready else 503)


THEME_COLOUR = "#1f4e99"


@public
@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """Describe the ENT as an installable web app (name, icons, theme colour) for phones' home screens."""
    icons = [
        {"src": static(f"core/icons/icon-{size}{suffix}.png"), "sizes": f"{size}x{size}", "type": "image/png",
         "purpose": purpose}
        for size in (192, 512)
        for suffix, purpose in (("", "any"), ("-maskable", "maskable"))
    ]  # fmt: skip
    data = {
        "name": _("ROMSIE workspace"),
        "short_name": "ROMSIE",
        "lang": get_language(),
        "start_url": reverse("core:dashboard"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f5f6f8",
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@public
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Serve the service worker that keeps the person's week timetable readable offline.

    Served from the site's root (a worker controls only the addresses below its own), never
    cached by the browser so that a new version is picked up at the next visit. The pages it
    may keep are named by ``settings.ROMSIE_OFFLINE_PAGES`` (URL names): no other page.
    """
    paths = [reverse(name) for name in getattr(settings, "ROMSIE_OFFLINE_PAGES", ())]
    source = render_to_string("core/service-worker.js", {"offline_paths": json.dumps(paths)})
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
