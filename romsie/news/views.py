"""News pages: reading, writing, must-read confirmations, sticky notes."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core import fragments, versions
from romsie.core.access.declarations import requires
from romsie.core.access.middleware import forbidden
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error

from . import access, selectors, services
from .forms import NewsItemForm, StickyNoteForm
from .habilitations import NewsHabilitation
from .models import NewsItem

SERVICE = "news"
PAGE_SIZE = 20
PEOPLE_PAGE_SIZE = 50


def _back(request: ScopedRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


@requires(NewsHabilitation.READ, service=SERVICE)
def item_list(request: ScopedRequest) -> HttpResponse:
    """List the news addressed to the person, newest first (cached until a news item, the
    person's confirmations or the classes change)."""
    scope = request.scope
    number = request.GET.get("page")

    def render_list() -> str:
        page = Paginator(selectors.news_list_for_reader(scope), PAGE_SIZE).get_page(number)
        context = {"page_obj": page, "is_paginated": page.has_other_pages()}
        return render_to_string("news/_item_list_body.html", context, request)

    kinds = (versions.Kind.NEWS, versions.Kind.NEWS_READER, versions.Kind.STRUCTURE)
    stamp = (number, *selectors.reader_stamp(scope, *kinds))
    body = fragments.cached(request, "news-list", stamp, render_list)
    return render(request, "news/item_list.html", {"body": body, "can_write": access.can_write_news(scope)})


@requires(NewsHabilitation.READ, service=SERVICE)
def item_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """Show one item; its title and body are cached like the list (an item out of reach is a 404, never cached)."""
    scope = request.scope
    found: list[NewsItem] = []

    def item() -> NewsItem:
        if not found:
            found.append(selectors.news_detail(scope, pk))
        return found[0]

    kinds = (versions.Kind.NEWS, versions.Kind.NEWS_READER, versions.Kind.STRUCTURE)
    documents_on = "documents" in scope.services
    stamp = (pk, documents_on, *selectors.reader_stamp(scope, *kinds))

    def render_body() -> str:
        # Linked documents: one query more, only where the documents service is on.
        documents = list(item().linked_documents.order_by("name_key")) if documents_on else []
        return render_to_string("news/_item_body.html", {"item": item(), "documents": documents}, request)

    body = fragments.cached(request, "news-item", stamp, render_body)
    title = fragments.cached(request, "news-item-title", stamp, lambda: escape(item().title))
    can_manage = access.manageable_items(scope).filter(pk=pk).exists() if access.can_write_news(scope) else False
    context = {"body": body, "title": title, "pk": pk, "can_manage": can_manage}
    if can_manage:
        context["requires_confirmation"] = item().requires_confirmation
    return render(request, "news/item_detail.html", context)


@require_POST
@requires(NewsHabilitation.READ, service=SERVICE)
def item_confirm(request: ScopedRequest, pk: int) -> HttpResponse:
    """Confirm having read a must-read notice addressed to oneself ("I have read it")."""
    scope = request.scope
    item = access.get_confirmable_item(scope, pk)
    services.news_item_confirm(scope=scope, item=item)
    if request.htmx:
        return render(request, "news/_confirmed.html", {"item": item})
    messages.success(request, _("Thank you: your reading of “%(title)s” is recorded.") % {"title": item.title})
    return _back(request, reverse("news:item-detail", args=[pk]))


@requires(NewsHabilitation.READ, service=SERVICE)
def item_manage(request: ScopedRequest) -> HttpResponse:
    """List the items the person writes or manages: drafts, scheduled, published, expired."""
    scope = request.scope
    if not access.can_write_news(scope):
        return forbidden(request)
    page = Paginator(selectors.news_list_for_manager(scope), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "news/item_manage.html", {"page_obj": page, "is_paginated": page.has_other_pages()})


def _save(request: ScopedRequest, item: NewsItem | None) -> HttpResponse:
    scope = request.scope
    if request.method == "POST":
        form = NewsItemForm(request.POST, scope=scope, item=item)
        if form.is_valid():
            is_draft = request.POST.get("action") == "draft"
            try:
                saved = services.news_item_save(
                    scope=scope, data=form.news_data(is_draft=is_draft), item=item, version=form.shown_version
                )
            except ApplicationError as error:
                show_error(request, error, form)
            else:
                if is_draft:
                    messages.success(request, _("Draft saved: nobody sees it yet."))
                elif not services.is_visible_now(saved):
                    messages.success(request, _("Saved: it will be published at the chosen time."))
                else:
                    messages.success(request, _("Published."))
                return redirect("news:item-detail", saved.pk)
    else:
        initial = {"requires_confirmation": request.GET.get("notice") == "1"} if item is None else None
        form = (
            NewsItemForm(scope=scope, item=item, initial=initial)
            if initial is not None
            else NewsItemForm(scope=scope, item=item)
        )
    title = _("Edit “%(title)s”") % {"title": item.title} if item else _("Write news or a must-read notice")
    cancel = reverse("news:item-detail", args=[item.pk]) if item else reverse("news:item-manage")
    context = {"form": form, "title": title, "item": item, "cancel_url": cancel}
    return render(request, "news/item_form.html", context)


@requires(NewsHabilitation.READ, service=SERVICE)
def item_create(request: ScopedRequest) -> HttpResponse:
    if not access.can_write_news(request.scope):
        return forbidden(request)
    return _save(request, None)


@requires(NewsHabilitation.READ, service=SERVICE)
def item_update(request: ScopedRequest, pk: int) -> HttpResponse:
    item = access.get_manageable_item(request.scope, pk)
    return _save(request, item)


@requires(NewsHabilitation.READ, service=SERVICE)
def item_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    item = access.get_manageable_item(scope, pk)
    if request.method == "POST":
        services.news_item_delete(scope=scope, item=item)
        messages.success(request, _("Deleted."))
        return redirect("news:item-manage")
    context = {"object": item, "cancel_url": reverse("news:item-detail", args=[pk])}
    return render(request, "core/object_confirm_delete.html", context)


@requires(NewsHabilitation.READ, service=SERVICE)
def item_confirmations(request: ScopedRequest, pk: int) -> HttpResponse:
    """Show who confirmed a must-read notice and who has not yet (counts and lists)."""
    scope = request.scope
    confirmed = request.GET.get("show") == "confirmed"
    report = selectors.confirmation_report(scope, pk, confirmed=confirmed)
    page = Paginator(report.people, PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"report": report, "page_obj": page, "is_paginated": page.has_other_pages(), "confirmed": confirmed}
    return render(request, "news/item_confirmations.html", context)


@requires(NewsHabilitation.PIN_NOTES, service=SERVICE)
def note_list(request: ScopedRequest) -> HttpResponse:
    """List the notes the person pinned, with a button to remove each."""
    page = Paginator(selectors.notes_by_me(request.scope), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "news/note_list.html", {"page_obj": page, "is_paginated": page.has_other_pages()})


@requires(NewsHabilitation.PIN_NOTES, service=SERVICE)
def note_create(request: ScopedRequest) -> HttpResponse:
    """Pin a note on the dashboard of a class or a person the author may address."""
    scope = request.scope
    if request.method == "POST":
        form = StickyNoteForm(request.POST, scope=scope)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.sticky_note_pin(
                    scope=scope,
                    text=data["text"],
                    school_class=data.get("school_class"),
                    person=data.get("person"),
                    expires_at=data.get("expires_at"),
                )
            except ApplicationError as error:
                show_error(request, error, form)
            else:
                messages.success(request, _("Note pinned."))
                return redirect("news:note-list")
    else:
        initial = {"school_class": request.GET.get("class"), "person": request.GET.get("person")}
        form = StickyNoteForm(scope=scope, initial=initial)
    return render(request, "news/note_form.html", {"form": form})


@require_POST
@requires(NewsHabilitation.PIN_NOTES, service=SERVICE)
def note_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Remove one of one's own notes."""
    scope = request.scope
    note = access.get_authored_note(scope, pk)
    services.sticky_note_remove(scope=scope, note=note)
    messages.success(request, _("Note removed."))
    return redirect("news:note-list")
