"""Pages of sharing: a node's shares, "shared with me", and opening what one reaches."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error

from . import access, selectors_sharing, sharing
from .forms_sharing import ShareForm, people_matching
from .habilitations import DocumentsHabilitation as H
from .models import Right

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
    """Open a node one reaches (own, shared, class or team space): its folder or file page.

    The address links in messages, the homework log and news point to: the gate decides, then
    the one folder page and the one file page of the documents show it.
    """
    found = access.get_node(request.scope, pk)
    return redirect("documents:folder" if found.node.is_folder else "documents:file-detail", found.node.pk)
