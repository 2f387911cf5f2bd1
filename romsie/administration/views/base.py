"""Small helpers shared by the administration views."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """Return a PDF to download; never cached, since it carries activation codes."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def no_store(response: HttpResponse) -> HttpResponse:
    """Keep a page showing a secret (an activation code) out of every cache."""
    response["Cache-Control"] = "no-store"
    return response


def posted(request: HttpRequest) -> Any:
    """Return the POST data of a POST request (even an empty one), else None (unbound form)."""
    return request.POST if request.method == "POST" else None
