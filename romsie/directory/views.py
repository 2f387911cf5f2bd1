"""The directory (annuaire): search, class lists, staff list, person cards."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from romsie.core.access.declarations import requires
from romsie.identity.models import User
from romsie.schooling.models import SchoolClass

from . import selectors
from .habilitations import DirectoryHabilitation

SERVICE = "directory"
PAGE_SIZE = 25


@requires(DirectoryHabilitation.SEARCH, service=SERVICE)
def search(request: HttpRequest) -> HttpResponse:
    """Search people by name; htmx requests get the results only."""
    scope = request.scope  # type: ignore[attr-defined]
    query = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    page = Paginator(selectors.person_list_for_search(scope, query=query, role=role), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page_obj": page, "query": query, "role": role, "roles": selectors.ROLE_FILTERS}
    template = "directory/_results.html" if request.htmx else "directory/search.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@requires(DirectoryHabilitation.SEARCH, service=SERVICE)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        card = selectors.person_card(request.scope, pk)  # type: ignore[attr-defined]
    except User.DoesNotExist as missing:
        raise Http404 from missing
    return render(request, "directory/person_detail.html", {"card": card})


@requires(DirectoryHabilitation.SEARCH, service=SERVICE)
def class_index(request: HttpRequest) -> HttpResponse:
    classes = selectors.class_lists(request.scope)  # type: ignore[attr-defined]
    return render(request, "directory/class_index.html", {"classes": classes})


@requires(DirectoryHabilitation.SEARCH, service=SERVICE)
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        listing = selectors.class_list(request.scope, pk)  # type: ignore[attr-defined]
    except SchoolClass.DoesNotExist as missing:
        raise Http404 from missing
    return render(request, "directory/class_detail.html", {"listing": listing})


@requires(DirectoryHabilitation.SEARCH, service=SERVICE)
def staff(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.staff_list(request.scope), 50).get_page(request.GET.get("page"))  # type: ignore[attr-defined]
    return render(request, "directory/staff.html", {"page_obj": page})
