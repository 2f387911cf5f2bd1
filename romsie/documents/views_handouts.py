"""Pages of hand-outs and collections: hand a file out to classes, collect work in a hand-in folder."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.archives import ZipEntry, zip_response
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error

from . import access, handouts, selectors_sharing
from .forms_sharing import CollectionForm, DropForm, HandoutForm
from .habilitations import DocumentsHabilitation as H

SERVICE = "documents"


@requires(H.DISTRIBUTE, service=SERVICE)
def handout_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """Hand a file out to the classes and groups the teacher teaches."""
    scope = request.scope
    found = access.get_file(scope, pk)
    form = HandoutForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            count = handouts.handout_distribute(scope=scope, node=found.node, tokens=form.cleaned_data["audience"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(
                request,
                ngettext("Handed out to %(count)d student.", "Handed out to %(count)d students.", count)
                % {"count": count},
            )
            return HttpResponseRedirect(reverse("documents:node-open", args=[found.node.parent_id or found.node.pk]))
    return render(request, "documents/handout_form.html", {"found": found, "node": found.node, "form": form})


@requires(H.USE, service=SERVICE)
def collection_list(request: ScopedRequest) -> HttpResponse:
    """The collections the teacher opened, or those the student hands work in to."""
    scope = request.scope
    context = {
        "collections": selectors_sharing.collections_for(scope),
        "may_collect": access.may_distribute(scope),
        "now": timezone.now(),
    }
    return render(request, "documents/handout_collection_list.html", context)


@requires(H.DISTRIBUTE, service=SERVICE)
def collection_create(request: ScopedRequest) -> HttpResponse:
    """Open a hand-in folder for a class or a group."""
    scope = request.scope
    form = CollectionForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        due_on: datetime.date = form.cleaned_data["due_on"]
        due_at = timezone.make_aware(datetime.datetime.combine(due_on, datetime.time(23, 59, 59)))
        try:
            collection = handouts.collection_create(
                scope=scope, title=form.cleaned_data["title"], token=form.cleaned_data["audience"], due_at=due_at
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The hand-in folder is open: the students can hand their work in."))
            return HttpResponseRedirect(reverse("documents:collection-detail", args=[collection.pk]))
    return render(request, "documents/handout_collection_form.html", {"form": form})


@requires(H.USE, service=SERVICE)
def collection_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """The teacher sees every student's work; a student sees and hands in their own."""
    scope = request.scope
    collection = access.get_collection(scope, pk)
    if access.collects(scope, collection):
        rows = selectors_sharing.collection_rows(collection)
        handed = sum(1 for row in rows if row.files)
        context = {"collection": collection, "rows": rows, "handed": handed, "missing": len(rows) - handed}
        return render(request, "documents/handout_collection_detail.html", context)
    form = DropForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            handouts.collection_drop(scope=scope, collection=collection, upload=form.cleaned_data["file"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Handed in. A file of the same name replaces the earlier one."))
            return HttpResponseRedirect(reverse("documents:collection-detail", args=[collection.pk]))
    context = {
        "collection": collection,
        "row": selectors_sharing.own_drop(scope, collection),
        "form": form,
        "is_late": timezone.now() > collection.due_at,
    }
    return render(request, "documents/handout_collection_drop.html", context)


@requires(H.DISTRIBUTE, service=SERVICE)
def collection_zip(request: ScopedRequest, pk: int) -> HttpResponseBase:
    """Everything handed in to a collection, in one ZIP (a folder per student); the teacher's only."""
    scope = request.scope
    collection = access.get_collection(scope, pk)
    if not access.collects(scope, collection):
        raise Http404
    entries = [
        ZipEntry(name, node.current.blob.file.open, node.modified_at, node.content_type, node.current.size_bytes)
        for name, node in selectors_sharing.collected_files(collection)
        if node.current is not None
    ]
    return zip_response(entries, filename=f"{slugify(collection.title) or 'collection'}.zip")
