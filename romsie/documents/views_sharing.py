"""Pages of sharing: a node's shares, "shared with me", and opening what one reaches."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.core.uploads import download_response

from . import access, selectors, selectors_sharing, sharing
from .forms_sharing import ShareForm, people_matching
from .habilitations import DocumentsHabilitation as H
from .models import Blob, Right

SERVICE = "documents"


def _query(request: ScopedRequest) -> str:
    return (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]


@requires(H.SHARE, service=SERVICE)
def share_list(request: ScopedRequest, pk: int) -> HttpResponse:
    """A node's shares, with "stop sharing", and the form to share it with more people and groups."""
    scope = request.scope
    found = access.get_node(scope, pk)
    if not found.allows(Right.MANAGE):
        raise PermissionDenied
    form = ShareForm(request.POST or None, scope=scope, query=_query(request))
    if request.method == "POST" and "picker_search" not in request.POST and form.is_valid():
        try:
            sharing.share_create(
                scope=scope, node=found.node, tokens=form.cleaned_data["audience"], right=form.cleaned_data["right"]
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Shared. The people reached were told."))
            return HttpResponseRedirect(reverse("documents:share-list", args=[found.node.pk]))
    context = {
        "found": found,
        "node": found.node,
        "shares": selectors_sharing.node_shares(scope, found.node),
        "form": form,
    }
    return render(request, "documents/share_list.html", context)


@requires(H.SHARE, service=SERVICE)
@require_POST
def share_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Stop one share of a node the person manages."""
    scope = request.scope
    share = access.get_share(scope, pk)
    try:
        sharing.share_delete(scope=scope, share=share)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("No longer shared with them."))
    return HttpResponseRedirect(reverse("documents:share-list", args=[share.node_id]))


@requires(H.SHARE, service=SERVICE)
def share_people_search(request: ScopedRequest) -> HttpResponse:
    """The people matching a name among those one may share with (the picker's live search)."""
    query = request.GET.get("q", "").strip()[:100]
    people = people_matching(request.scope, query)
    context = {"people": people, "query": query, "name": "audience", "base": "id_audience"}
    return render(request, "core/widgets/_picker_people.html", context)


@requires(H.USE, service=SERVICE)
def shared_with_me(request: ScopedRequest) -> HttpResponse:
    """What others shared with the person, newest first, grouped by who shared it."""
    page = selectors_sharing.shared_with_me(request.scope, cursor=request.GET.get("apres", ""))
    return render(request, "documents/share_with_me.html", {"page": page})


@requires(H.USE, service=SERVICE)
def node_open(request: ScopedRequest, pk: int) -> HttpResponseBase:
    """Open a node one reaches (own, shared, class or team space): a folder's list, a file's download."""
    scope = request.scope
    found = access.get_node(scope, pk)
    node = found.node
    if not node.is_folder:
        blob = node.current.blob if node.current is not None else None
        if blob is None or blob.scan_status == Blob.ScanStatus.INFECTED:
            raise Http404
        return download_response(blob.file, node.name, node.content_type or blob.content_type)
    context = {
        "found": found,
        "node": node,
        "entries": list(selectors_sharing.folder_entries(node)),
        "crumbs": selectors.breadcrumbs(scope, found),
        "may_share": found.allows(Right.MANAGE) and access.may_share(scope),
        "may_distribute": access.may_distribute(scope),
    }
    return render(request, "documents/share_folder.html", context)
