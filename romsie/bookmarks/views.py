"""Bookmarks pages: one's own links; the territory admins' family-service links."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core import fragments
from romsie.core.access.declarations import requires, territory_admin
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error

from . import access, selectors, services
from .forms import BookmarkForm, FamilyLinkForm, PushedBookmarkForm
from .habilitations import BookmarksHabilitation

SERVICE = access.SERVICE
H = BookmarksHabilitation


@requires(H.USE, service=SERVICE)
def bookmark_list(request: ScopedRequest) -> HttpResponse:
    """List the person's bookmarks, the links pushed to them and their family-service links."""
    scope = request.scope

    def render_list() -> str:
        context = {
            "bookmarks": list(selectors.bookmark_list_for_owner(scope)),
            "family_links": selectors.family_link_list_for_family(scope),
            "pushed": selectors.pushed_list_for_reader(scope),
            "can_push": scope.has(H.PUSH),
        }
        return render_to_string("bookmarks/_bookmark_list_body.html", context, request)

    # A cached part, against the same stamps as the dashboard's "Links" (and the right to push).
    stamp = (scope.has(H.PUSH), *selectors.links_stamp(scope))
    body = fragments.cached(request, "bookmarks-list", stamp, render_list)
    return render(request, "bookmarks/bookmark_list.html", {"body": body})


@requires(H.USE, service=SERVICE)
def bookmark_create(request: ScopedRequest) -> HttpResponse:
    """Add a bookmark."""
    scope = request.scope
    form = BookmarkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.bookmark_create(scope=scope, **form.cleaned_data)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The bookmark is added."))
            return redirect("bookmarks:bookmark-list")
    return render(request, "bookmarks/bookmark_form.html", {"form": form})


@requires(H.USE, service=SERVICE)
def bookmark_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change a bookmark."""
    scope = request.scope
    bookmark = access.get_bookmark(scope, pk)
    form = BookmarkForm(request.POST or None, instance=bookmark)
    if request.method == "POST" and form.is_valid():
        try:
            services.bookmark_update(scope=scope, bookmark=bookmark, **form.cleaned_data)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The bookmark is saved."))
            return redirect("bookmarks:bookmark-list")
    return render(request, "bookmarks/bookmark_form.html", {"form": form, "bookmark": bookmark})


@requires(H.USE, service=SERVICE)
@require_POST
def bookmark_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Remove a bookmark."""
    scope = request.scope
    services.bookmark_delete(scope=scope, bookmark=access.get_bookmark(scope, pk))
    messages.success(request, _("The bookmark is removed."))
    return redirect("bookmarks:bookmark-list")


@requires(H.USE, service=SERVICE)
@require_POST
def bookmark_move(request: ScopedRequest, pk: int) -> HttpResponse:
    """Move a bookmark up or down in its folder."""
    scope = request.scope
    bookmark = access.get_bookmark(scope, pk)
    services.bookmark_move(scope=scope, bookmark=bookmark, up=request.POST.get("direction") == "up")
    return redirect("bookmarks:bookmark-list")


@requires(H.PUSH, service=SERVICE)
def pushed_list(request: ScopedRequest) -> HttpResponse:
    """List every bookmark pushed in the establishment, with its audience."""
    return render(request, "bookmarks/pushed_list.html", {"pushed": selectors.pushed_list_for_manager(request.scope)})


@requires(H.PUSH, service=SERVICE)
def pushed_create(request: ScopedRequest) -> HttpResponse:
    """Push a link to roles, levels or classes."""
    return _pushed_form(request, None)


@requires(H.PUSH, service=SERVICE)
def pushed_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change a pushed bookmark or its audience."""
    return _pushed_form(request, pk)


def _pushed_form(request: ScopedRequest, pk: int | None) -> HttpResponse:
    scope = request.scope
    pushed = access.get_managed_pushed(scope, pk) if pk is not None else None
    form = PushedBookmarkForm(request.POST or None, instance=pushed, scope=scope)
    if request.method == "POST" and "picker_search" not in request.POST and form.is_valid():
        try:
            services.pushed_save(
                scope=scope, pushed=pushed, choice=form.choice(), version=form.shown_version, **form.pushed_fields()
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The bookmark is pushed."))
            return redirect("bookmarks:pushed-list")
    return render(request, "bookmarks/pushed_form.html", {"form": form, "pushed": pushed})


@requires(H.PUSH, service=SERVICE)
@require_POST
def pushed_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Withdraw a pushed bookmark."""
    scope = request.scope
    services.pushed_delete(scope=scope, pushed=access.get_managed_pushed(scope, pk))
    messages.success(request, _("The bookmark is withdrawn."))
    return redirect("bookmarks:pushed-list")


@territory_admin
def family_link_list(request: ScopedRequest) -> HttpResponse:
    """List the family-service links of the administered territories."""
    links = list(selectors.family_link_list_for_admin(request.scope))
    return render(request, "bookmarks/family_link_list.html", {"links": links})


@territory_admin
def family_link_create(request: ScopedRequest) -> HttpResponse:
    """Add a family-service link."""
    return _family_link_form(request, None)


@territory_admin
def family_link_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change a family-service link."""
    return _family_link_form(request, pk)


def _family_link_form(request: ScopedRequest, pk: int | None) -> HttpResponse:
    scope = request.scope
    link = access.get_managed_family_link(scope, pk) if pk is not None else None
    form = FamilyLinkForm(request.POST or None, instance=link, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            services.family_link_save(
                scope=scope,
                link=link,
                version=form.shown_version,
                territory=form.cleaned_data["territory"],
                establishments=list(form.cleaned_data["establishments"]),
                levels=list(form.cleaned_data["levels"]),
                **form.link_fields(),
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The link is saved."))
            return redirect("bookmarks:family-link-list")
    return render(request, "bookmarks/family_link_form.html", {"form": form, "link": link})


@territory_admin
@require_POST
def family_link_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Delete a family-service link."""
    scope = request.scope
    services.family_link_delete(scope=scope, link=access.get_managed_family_link(scope, pk))
    messages.success(request, _("The link is deleted."))
    return redirect("bookmarks:family-link-list")
