"""Pages of "My documents": folders, uploads, files and their versions, the trash, search, settings.

Every object comes from the gate (``access.get_node``/``get_folder``/``get_file``): absent and
forbidden are the same 404. Every write is a POST that calls one service; a refusal is shown
with ``show_error``. Files are served as attachments (``download_response``); only raster
images and PDFs are shown in the page, through :func:`file_inline`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from romsie.core.access.declarations import requires, territory_admin
from romsie.core.access.scope import ScopedRequest
from romsie.core.archives import zip_response
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.core.uploads import download_response
from romsie.establishments import access as establishments_access

from . import access, archives, selectors, services, spaces
from .forms import (
    CopyForm,
    EstablishmentSettingsForm,
    FolderChoiceForm,
    FolderForm,
    RenameForm,
    TerritorySettingsForm,
    UploadForm,
)
from .habilitations import DocumentsHabilitation
from .models import Node, Right

SERVICE = "documents"
USE = DocumentsHabilitation.USE

#: shown in the page (never SVG nor HTML: they could run scripts)
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
PDF_TYPE = "application/pdf"


def _posted(request: ScopedRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _folder_url(node: Node) -> str:
    return reverse("documents:folder", args=[node.pk])


def _back_to(node: Node) -> str:
    """Where to go after acting on a node: its folder."""
    return reverse("documents:folder", args=[node.parent_id]) if node.parent_id else reverse("documents:home")


def _kind(node: Node) -> str:
    """The icon of a listing row (no external asset: a CSS class)."""
    if node.is_folder:
        return "folder"
    content_type = node.content_type
    if content_type in IMAGE_TYPES:
        return "image"
    if content_type == PDF_TYPE:
        return "pdf"
    if content_type.startswith("audio/"):
        return "audio"
    if "spreadsheet" in content_type or "excel" in content_type or content_type == "text/csv":
        return "sheet"
    if "presentation" in content_type or "powerpoint" in content_type:
        return "slides"
    return "text"


def _folder_page(
    request: ScopedRequest,
    found: access.NodeAccess,
    *,
    upload_form: UploadForm | None = None,
    folder_form: FolderForm | None = None,
    status: int = 200,
) -> HttpResponse:
    scope = request.scope
    sort = request.GET.get("tri", selectors.DEFAULT_SORT)
    if sort not in selectors.SORTS:
        sort = selectors.DEFAULT_SORT
    rows = [(node, _kind(node)) for node in selectors.children(found.node, sort=sort)]
    space = found.space
    own_space = access.space_right(scope, space) is not None
    context = {
        "found": found,
        "folder": found.node,
        "space": space,
        "rows": rows,
        "sort": sort,
        "sorts": [("name", _("Name")), ("size", _("Size")), ("modified", _("Modified"))],
        "crumbs": selectors.breadcrumbs(scope, found),
        "quota": selectors.quota_use(space) if own_space else None,
        "can_contribute": found.allows(Right.CONTRIBUTE),
        "can_manage": found.allows(Right.MANAGE),
        "may_share": found.allows(Right.MANAGE) and access.may_share(scope),
        "may_distribute": access.may_distribute(scope),
        "manages_space": own_space and access.space_right(scope, space) == Right.MANAGE,
        "upload_form": upload_form or UploadForm(),
        "folder_form": folder_form or FolderForm(),
    }
    return render(request, "documents/folder.html", context, status=status)


@requires(USE, service=SERVICE)
@require_GET
def home(request: ScopedRequest) -> HttpResponse:
    """The person's personal space: its top folder."""
    space = selectors.personal_space(request.scope)
    assert space.root_id is not None
    return _folder_page(request, access.get_folder(request.scope, space.root_id))


@requires(USE, service=SERVICE)
@require_GET
def folder(request: ScopedRequest, pk: int) -> HttpResponse:
    """A folder: its entries, the forms to add to it."""
    return _folder_page(request, access.get_folder(request.scope, pk))


def _wants_json(request: ScopedRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@requires(USE, service=SERVICE)
def upload(request: ScopedRequest, pk: int) -> HttpResponse:
    """Store the files chosen, each on its own: one refused (quota, kind, name) does not stop the others.

    Without a script the page comes back with a line per file; the upload script sends one file
    per request and reads the JSON answer to show each file's progress and result.
    """
    scope = request.scope
    found = access.get_folder(scope, pk)
    if request.method != "POST":
        return _folder_page(request, found)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        if _wants_json(request):
            errors = [str(e) for errors in form.errors.values() for e in errors]
            return JsonResponse({"results": [], "errors": errors}, status=400)
        return _folder_page(request, found, upload_form=form, status=400)
    results: list[dict[str, Any]] = []
    files: list[UploadedFile] = form.cleaned_data["uploads"]
    for file in files:
        name = file.name or ""
        try:
            node = services.file_upload(
                scope=scope, folder=found.node, upload=file, replace=form.cleaned_data["replace"]
            )
        except ApplicationError as error:
            results.append({"name": name, "ok": False, "message": error.message, "code": error.extra.get("code", "")})
        else:
            results.append({"name": node.name, "ok": True, "message": _("“%(name)s” is stored.") % {"name": node.name}})
    if _wants_json(request):
        return JsonResponse({"results": results}, status=200 if all(r["ok"] for r in results) else 400)
    stored = sum(1 for r in results if r["ok"])
    if stored:
        messages.success(
            request, ngettext("%(count)d file stored.", "%(count)d files stored.", stored) % {"count": stored}
        )
    for result in results:
        if not result["ok"]:
            messages.error(request, result["message"])
    return redirect(_folder_url(found.node))


@requires(USE, service=SERVICE)
def folder_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """Create a folder in this one."""
    scope = request.scope
    found = access.get_folder(scope, pk)
    form = FolderForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            created = services.folder_create(scope=scope, parent=found.node, name=form.cleaned_data["name"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Folder “%(name)s” created.") % {"name": created.name})
            return redirect(_folder_url(found.node))
    return render(
        request,
        "documents/node_form.html",
        {
            "form": form,
            "found": found,
            "crumbs": selectors.breadcrumbs(scope, found),
            "title": _("New folder"),
            "action": _("Create"),
        },
    )


@requires(USE, service=SERVICE)
def node_rename(request: ScopedRequest, pk: int) -> HttpResponse:
    """Rename a file or a folder (the version seen is checked: a rename made meanwhile is shown)."""
    scope = request.scope
    found = access.get_node(scope, pk)
    form = RenameForm(_posted(request), node=found.node)
    if request.method == "POST" and form.is_valid():
        try:
            renamed = services.node_rename(
                scope=scope, node=found.node, name=form.cleaned_data["name"], version=form.shown_version
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Renamed “%(name)s”.") % {"name": renamed.name})
            return redirect(_back_to(renamed))
    return render(
        request,
        "documents/node_form.html",
        {
            "form": form,
            "found": found,
            "crumbs": selectors.breadcrumbs(scope, found),
            "title": _("Rename “%(name)s”") % {"name": found.node.name},
            "action": _("Rename"),
        },
    )


def _folders(request: ScopedRequest, found: access.NodeAccess) -> list[Node]:
    return list(selectors.folders_for_move(request.scope, found.space))


def _into_folder(
    request: ScopedRequest,
    found: access.NodeAccess,
    form: FolderChoiceForm | CopyForm,
    act: Callable[[Node], Node],
    *,
    done: str,
    title: str,
    action: str,
) -> HttpResponse:
    """Move or copy: the target folder chosen goes through the gate again, then ``act`` does it."""
    scope = request.scope
    if request.method == "POST" and form.is_valid():
        target = access.find_node(scope, form.cleaned_data["target"])
        try:
            if target is None:
                raise ApplicationError(_("This folder is no longer there."))
            result = act(target.node)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, done % {"name": result.name})
            return redirect(_folder_url(target.node))
    context = {"form": form, "found": found, "crumbs": selectors.breadcrumbs(scope, found)}
    return render(request, "documents/node_form.html", context | {"title": title, "action": action})


@requires(USE, service=SERVICE)
def node_move(request: ScopedRequest, pk: int) -> HttpResponse:
    """Move a file or a folder to another folder of its space."""
    scope = request.scope
    found = access.get_node(scope, pk)
    folders = [
        f
        for f in _folders(request, found)
        if f.pk != found.node.pk and not f.path.startswith(found.node.descendants_prefix)
    ]
    form = FolderChoiceForm(_posted(request), node=found.node, folders=folders)
    return _into_folder(
        request,
        found,
        form,
        lambda target: services.node_move(scope=scope, node=found.node, target=target, version=form.shown_version),
        done=_("“%(name)s” moved."),
        title=_("Move “%(name)s”") % {"name": found.node.name},
        action=_("Move"),
    )


@requires(USE, service=SERVICE)
def node_copy(request: ScopedRequest, pk: int) -> HttpResponse:
    """Copy a file or a folder into a folder of its space."""
    scope = request.scope
    found = access.get_node(scope, pk)
    form = CopyForm(_posted(request), node=found.node, folders=_folders(request, found))
    return _into_folder(
        request,
        found,
        form,
        lambda target: services.node_copy(
            scope=scope, node=found.node, target=target, name=form.cleaned_data["name"] or None
        ),
        done=_("Copied as “%(name)s”."),
        title=_("Copy “%(name)s”") % {"name": found.node.name},
        action=_("Copy"),
    )


@requires(USE, service=SERVICE)
def node_trash(request: ScopedRequest, pk: int) -> HttpResponse:
    """Put a file or a folder in the trash (a confirmation page without a script)."""
    scope = request.scope
    found = access.get_node(scope, pk)
    if request.method == "POST":
        try:
            services.node_trash(scope=scope, node=found.node)
        except ApplicationError as error:
            show_error(request, error)
        else:
            messages.success(request, _("“%(name)s” is in the trash.") % {"name": found.node.name})
        return redirect(_back_to(found.node))
    return render(
        request, "documents/node_confirm_trash.html", {"found": found, "crumbs": selectors.breadcrumbs(scope, found)}
    )


# -- Files ---------------------------------------------------------------------------------


def _preview(node: Node) -> str:
    if node.content_type in IMAGE_TYPES:
        return "image"
    if node.content_type == PDF_TYPE:
        return "pdf"
    return ""


@requires(USE, service=SERVICE)
@require_GET
def file_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """A file: its preview (images, PDFs), its details and what one may do with it."""
    scope = request.scope
    found = access.get_file(scope, pk)
    context = {
        "found": found,
        "file": found.node,
        "crumbs": selectors.breadcrumbs(scope, found)[:-1],
        "preview": _preview(found.node),
        "kind": _kind(found.node),
        "can_contribute": found.allows(Right.CONTRIBUTE),
        "can_manage": found.allows(Right.MANAGE),
        "may_share": found.allows(Right.MANAGE) and access.may_share(scope),
        "may_distribute": access.may_distribute(scope),
        "version_count": found.node.versions.count(),
        # What the antivirus said (an infected file is refused at upload): "not checked" where none is set up.
        "scan": _current_blob(found).get_scan_status_display(),
    }
    return render(request, "documents/file_detail.html", context)


def _current_blob(found: access.NodeAccess) -> Any:
    if found.node.current is None:
        raise Http404
    return found.node.current.blob


@requires(USE, service=SERVICE)
@require_GET
def file_download(request: ScopedRequest, pk: int) -> HttpResponseBase:
    """The file as an attachment (``nosniff``, sandboxed)."""
    found = access.get_file(request.scope, pk)
    blob = _current_blob(found)
    return download_response(blob.file, found.node.name, found.node.content_type)


@requires(USE, service=SERVICE)
@require_GET
@xframe_options_sameorigin
def file_inline(request: ScopedRequest, pk: int) -> HttpResponseBase:
    """A raster image or a PDF shown in the page; anything else (SVG, HTML...) is a 404 here."""
    found = access.get_file(request.scope, pk)
    if _preview(found.node) == "":
        raise Http404
    blob = _current_blob(found)
    response = download_response(blob.file, found.node.name, found.node.content_type)
    response["Content-Disposition"] = content_disposition_header(False, found.node.name) or "inline"
    # Nothing the file could load or run; only this site's pages may frame it (the PDF viewer).
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    if found.node.content_type in IMAGE_TYPES:
        response["Content-Security-Policy"] += "; sandbox"
    return response


@requires(USE, service=SERVICE)
@require_GET
def folder_zip(request: ScopedRequest, pk: int) -> HttpResponseBase:
    """The folder and everything in it as a ZIP, streamed as it is written."""
    found = access.get_folder(request.scope, pk)
    return zip_response(archives.zip_entries(found.node), filename=f"{found.node.name}.zip")


@requires(USE, service=SERVICE)
@require_GET
def file_versions(request: ScopedRequest, pk: int) -> HttpResponse:
    """A file's versions: download an earlier one, make it current again."""
    scope = request.scope
    found = access.get_file(scope, pk)
    context = {
        "found": found,
        "file": found.node,
        "crumbs": selectors.breadcrumbs(scope, found),
        "versions": list(selectors.versions(found.node)),
        "can_contribute": found.allows(Right.CONTRIBUTE),
    }
    return render(request, "documents/file_versions.html", context)


@requires(USE, service=SERVICE)
@require_GET
def version_download(request: ScopedRequest, pk: int, number: int) -> HttpResponseBase:
    """An earlier version of a file, as an attachment."""
    found = access.get_file(request.scope, pk)
    version = selectors.get_version(found, number)
    if version is None:
        raise Http404
    return download_response(version.blob.file, found.node.name, version.blob.content_type)


@requires(USE, service=SERVICE)
@require_POST
def version_restore(request: ScopedRequest, pk: int, number: int) -> HttpResponse:
    """Make an earlier version current again (a new version)."""
    scope = request.scope
    found = access.get_file(scope, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.version_restore(scope=scope, node=found.node, number=number, version=version)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Version %(number)d is current again.") % {"number": number})
    return redirect("documents:file-versions", found.node.pk)


# -- Trash ---------------------------------------------------------------------------------


@requires(USE, service=SERVICE)
@require_GET
def trash(request: ScopedRequest) -> HttpResponse:
    """The trash of the person's space."""
    scope = request.scope
    space = selectors.personal_space(scope)
    context = {
        "space": space,
        "items": list(selectors.trash(scope, space)),
        "trash_days": spaces.territory_settings(space.territory_id).trash_days,
    }
    return render(request, "documents/trash.html", context)


@requires(USE, service=SERVICE)
@require_POST
def trash_restore(request: ScopedRequest, pk: int) -> HttpResponse:
    """Take an item out of the trash."""
    scope = request.scope
    found = access.get_node(scope, pk, trashed=True)
    try:
        restored = services.node_restore(scope=scope, node=found.node)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("“%(name)s” is back.") % {"name": restored.name})
    return redirect("documents:trash")


@requires(USE, service=SERVICE)
@require_POST
def trash_purge(request: ScopedRequest, pk: int) -> HttpResponse:
    """Delete an item of the trash for good."""
    scope = request.scope
    found = access.get_node(scope, pk, trashed=True)
    try:
        services.node_purge(scope=scope, node=found.node)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("“%(name)s” is deleted for good.") % {"name": found.node.name})
    return redirect("documents:trash")


@requires(USE, service=SERVICE)
@require_POST
def trash_empty(request: ScopedRequest) -> HttpResponse:
    """Delete everything in the trash for good."""
    scope = request.scope
    try:
        services.trash_empty(scope=scope, space=selectors.personal_space(scope))
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The trash is empty."))
    return redirect("documents:trash")


# -- Search --------------------------------------------------------------------------------


@requires(USE, service=SERVICE)
@require_GET
def search(request: ScopedRequest) -> HttpResponse:
    """Search by name among everything the person may open."""
    query = request.GET.get("q", "").strip()[:100]
    page = selectors.search(request.scope, query, cursor=request.GET.get("apres", ""))
    rows = [(node, _kind(node)) for node in page.entries]
    return render(request, "documents/search.html", {"query": query, "page": page, "rows": rows})


# -- Settings ------------------------------------------------------------------------------


@requires(DocumentsHabilitation.SETTINGS, service=SERVICE)
def establishment_settings(request: ScopedRequest) -> HttpResponse:
    """The establishment's quotas (within the territory's ceiling) and the class spaces' switch."""
    scope = request.scope
    establishment = establishments_access.get_current_establishment(scope)
    current = spaces.establishment_settings(establishment.pk)
    territory = spaces.territory_settings(establishment.territory_id)
    form = EstablishmentSettingsForm(_posted(request), instance=current, territory=territory)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.establishment_settings_update(
                scope=scope, settings=current, values=values, version=form.shown_version
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Documents settings saved."))
            return redirect("documents:establishment-settings")
    return render(
        request, "documents/settings_form.html", {"form": form, "title": _("Documents settings"), "territory": None}
    )


@territory_admin
def territory_settings(request: ScopedRequest, pk: int) -> HttpResponse:
    """A territory's defaults: quotas, ceiling, trash and versions delays, largest file."""
    scope = request.scope
    territory = establishments_access.get_territory(scope, pk)
    current = spaces.territory_settings(territory.pk)
    form = TerritorySettingsForm(_posted(request), instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.territory_settings_update(scope=scope, settings=current, values=values, version=form.shown_version)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Documents settings saved."))
            return redirect("documents:territory-settings", territory.pk)
    return render(
        request,
        "documents/settings_form.html",
        {
            "form": form,
            "title": _("Documents settings of %(territory)s") % {"territory": territory.name},
            "territory": territory,
        },
    )
