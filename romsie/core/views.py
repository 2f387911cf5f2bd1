"""Pages of the core app: the dashboard, language choice, health check."""

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from . import registry
from .access.declarations import public, signed_in


@signed_in
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show the widgets that the apps contribute, filtered by the person's habilitations."""
    scope = request.scope  # type: ignore[attr-defined]
    blocks: list[dict[str, Any]] = []
    for widget in registry.widgets():
        if widget.habilitation and not scope.has(widget.habilitation):
            continue
        html = _widget_html(request, widget)
        if html:
            blocks.append({"widget": widget, "html": html})
    return render(request, "core/dashboard.html", {"blocks": blocks})


WIDGET_CACHE_SECONDS = 60


def _widget_html(request: HttpRequest, widget: registry.Widget) -> str:
    """Render a widget ("" when it has nothing to show), from the cache when it declares a stamp."""
    scope = request.scope  # type: ignore[attr-defined]
    key = ""
    if widget.cache_stamp is not None:
        stamp = hashlib.sha256(repr(widget.cache_stamp(request)).encode()).hexdigest()[:16]
        key = f"romsie:widget:{widget.key}:{scope.user_id}:{scope.establishment_id}:{get_language()}:{stamp}"
        cached = cache.get(key)
        if cached is not None:
            return str(cached)
    context = widget.get_context(request)
    html = "" if context is None else get_template(widget.template_name).render(context, request)
    if key:
        cache.set(key, html, WIDGET_CACHE_SECONDS)
    return html


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
