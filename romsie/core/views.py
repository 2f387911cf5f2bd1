"""Pages of the core app: the dashboard, language choice, health check."""

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
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
        context = widget.get_context(request)
        if context is None:
            continue
        blocks.append({"widget": widget, "html": get_template(widget.template_name).render(context, request)})
    return render(request, "core/dashboard.html", {"blocks": blocks})


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
