"""The project's URLs plus two bare views: the floor every page is compared with.

The bare views go through the same middleware stack (sessions, CSRF, CSP, scope, axes)
and declare their access like any view, but do no work of their own.

Three more serve ``benchmarks/large_files.py``: a large upload checked and stored the way the
services do it (``core.uploads``), its download, and the server process's memory.
"""

import re
from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from romsie.core.access.declarations import public, signed_in


@public
def bare_public(request: HttpRequest) -> HttpResponse:
    """Answer a few bytes to anybody."""
    return HttpResponse(b"ok", content_type="text/plain")


@signed_in
def bare_signed_in(request: HttpRequest) -> HttpResponse:
    """Answer a few bytes to a signed-in person (the session is loaded, the scope is not)."""
    return HttpResponse(b"ok", content_type="text/plain")


def _memory_kib() -> dict[str, int]:
    """This process's resident memory now (VmRSS) and at its peak since the last reset (VmHWM), in KiB."""
    status = Path("/proc/self/status").read_text()
    return {key: int(value) for key, value in re.findall(r"(VmRSS|VmHWM):\s+(\d+)", status)}


@public
@csrf_exempt
def bench_memory(request: HttpRequest) -> JsonResponse:
    """The process's memory; POST also resets its peak (Linux: ``/proc/self/clear_refs``)."""
    reset = False
    if request.method == "POST":
        try:
            Path("/proc/self/clear_refs").write_text("5")
            reset = True
        except OSError:
            pass
    return JsonResponse({**_memory_kib(), "reset": reset})


@public
@csrf_exempt
def bench_large_upload(request: HttpRequest) -> JsonResponse:
    """Check and store the uploaded ``file`` as a storage space would (500 MB limit, every kind)."""
    from romsie.core.uploads import ALLOWED_WIDE, atomic_with_files, inspect_upload, store_upload
    from romsie.messaging.models import Attachment

    upload = request.FILES["file"]
    checked = inspect_upload(upload, max_bytes=600 * 1024 * 1024, allowed=ALLOWED_WIDE)
    attachment = Attachment(establishment_id=0, name=checked.name, content_type=checked.content_type, size_bytes=0)
    with atomic_with_files():
        store_upload(attachment, upload)
    return JsonResponse({"name": attachment.file.name, "handler": type(upload).__name__, "size": checked.size})


@public
def bench_large_download(request: HttpRequest, name: str) -> HttpResponse:
    """Serve a stored file as the apps do (``core.uploads.download_response``)."""
    from romsie.core.uploads import download_response
    from romsie.messaging.models import Attachment

    attachment = Attachment(file=name)
    return download_response(attachment.file, "large.mp4", "video/mp4")


urlpatterns = [
    path("__bench__/public/", bare_public, name="bench-public"),
    path("__bench__/signed-in/", bare_signed_in, name="bench-signed-in"),
    path("__bench__/memory/", bench_memory, name="bench-memory"),
    path("__bench__/large-upload/", bench_large_upload, name="bench-large-upload"),
    path("__bench__/large-download/<path:name>", bench_large_download, name="bench-large-download"),
    path("", include("config.urls")),
]
