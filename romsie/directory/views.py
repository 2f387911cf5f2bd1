"""The directory (annuaire): search, class lists, staff list, person cards."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from romsie.core import fragments
from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest

from . import selectors
from .habilitations import DirectoryHabilitation

SERVICE = "directory"
PAGE_SIZE = 25


@requires(DirectoryHabilitation.SEARCH, service=SERVICE)
def search(request: ScopedRequest) -> HttpResponse:
    """Search people by name; htmx requests get the results only.

    The results are cached until the establishment's people (roles, names, guardianships) or
    its classes change (``core.fragments``).
    """
    scope = request.scope
    query = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    number = request.GET.get("page")

    def render_results() -> str:
        people = selectors.person_list_for_search(scope, query=query, role=role)
        page = Paginator(people, PAGE_SIZE).get_page(number)
        return render_to_string("directory/_results.html", {"page_obj": page, "query": query, "role": role}, request)

    results = fragments.cached(
        request, "directory-search", selectors.search_stamp(scope, query, role, number), render_results
    )
    if request.htmx:
        return HttpResponse(results)
    context = {"results": results, "query": query, "role": role, "roles": selectors.ROLE_FILTERS}
    return render(request, "directory/search.html", context)


@requires(DirectoryHabilitation.SEARCH, service=SERVICE)
def person_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    card = selectors.person_card(request.scope, pk)
    return render(request, "directory/person_detail.html", {"card": card})


@requires(DirectoryHabilitation.SEARCH, service=SERVICE)
def class_index(request: ScopedRequest) -> HttpResponse:
    classes = selectors.class_lists(request.scope)
    return render(request, "directory/class_index.html", {"classes": classes})


@requires(DirectoryHabilitation.SEARCH, service=SERVICE)
def class_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    listing = selectors.class_list(request.scope, pk)
    return render(request, "directory/class_detail.html", {"listing": listing})


@requires(DirectoryHabilitation.SEARCH, service=SERVICE)
def staff(request: ScopedRequest) -> HttpResponse:
    page = Paginator(selectors.staff_list(request.scope), 50).get_page(request.GET.get("page"))
    return render(request, "directory/staff.html", {"page_obj": page})
