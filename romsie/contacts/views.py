"""Address book pages: contacts, groups, vCard import and export (the owner's only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core import fragments
from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import person_choice, show_error
from romsie.core.ids import parse_id

from . import access, forms, selectors, services
from .habilitations import ContactsHabilitation
from .vcard import to_vcard

SERVICE = "contacts"
PAGE_SIZE = 50
H = ContactsHabilitation


def _query(request: ScopedRequest) -> str:
    return (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]


@requires(H.USE, service=SERVICE)
def contact_list(request: ScopedRequest) -> HttpResponse:
    """List the person's contacts, searchable by name, organisation or e-mail, and filterable by group."""
    scope = request.scope
    query = request.GET.get("q", "").strip()[:100]
    group_id = parse_id(request.GET.get("groupe", ""))
    group = access.get_group(scope, group_id) if group_id is not None else None
    page_number = request.GET.get("page", "")[:10]

    def render_list() -> str:
        contacts = selectors.contact_list_for_owner(scope, query=query, group_id=group_id)
        page = Paginator(contacts, PAGE_SIZE).get_page(page_number)
        context = {
            "page_obj": page,
            "is_paginated": page.has_other_pages(),
            "query": query,
            "group": group,
            "groups": list(selectors.group_list_for_owner(scope)),
        }
        return render_to_string("contacts/_contact_list_body.html", context, request)

    # A cached part: the address book changes only through the person's own writes (and syncs).
    stamp = (query, group_id, page_number, *selectors.address_book_stamp(scope))
    body = fragments.cached(request, "contacts-list", stamp, render_list)
    return render(request, "contacts/contact_list.html", {"body": body, "group": group})


@requires(H.USE, service=SERVICE)
def contact_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """Show one contact."""
    contact = selectors.contact_detail(request.scope, pk)
    return render(
        request, "contacts/contact_detail.html", {"contact": contact, "groups": selectors.contact_groups(contact)}
    )


@requires(H.USE, service=SERVICE)
def contact_create(request: ScopedRequest) -> HttpResponse:
    """Add a contact."""
    scope = request.scope
    form = forms.ContactForm(request.POST or None, scope=scope, query=_query(request))
    if request.method == "POST" and "picker_search" not in request.POST and form.is_valid():
        try:
            contact = services.contact_create(
                scope=scope,
                fields=form.contact_fields(),
                person=form.chosen_person,
                groups=list(form.cleaned_data["groups"]),
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The contact is added."))
            return redirect("contacts:contact-detail", contact.pk)
    return render(request, "contacts/contact_form.html", {"form": form})


@requires(H.USE, service=SERVICE)
def contact_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change a contact."""
    scope = request.scope
    contact = access.get_contact(scope, pk)
    form = forms.ContactForm(request.POST or None, instance=contact, scope=scope, query=_query(request))
    if request.method == "POST" and "picker_search" not in request.POST and form.is_valid():
        try:
            services.contact_update(
                scope=scope,
                contact=contact,
                version=form.shown_version,
                fields=form.contact_fields(),
                person=form.chosen_person,
                groups=list(form.cleaned_data["groups"]),
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The contact is saved."))
            return redirect("contacts:contact-detail", contact.pk)
    return render(request, "contacts/contact_form.html", {"form": form, "contact": contact})


@requires(H.USE, service=SERVICE)
def contact_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Delete a contact after confirmation."""
    scope = request.scope
    contact = access.get_contact(scope, pk)
    if request.method == "POST":
        services.contact_delete(scope=scope, contact=contact)
        messages.success(request, _("The contact is deleted."))
        return redirect("contacts:contact-list")
    return render(request, "contacts/contact_confirm_delete.html", {"contact": contact})


@requires(H.USE, service=SERVICE)
def person_search(request: ScopedRequest) -> HttpResponse:
    """Return the directory's people matching a name (the contact form's picker, htmx)."""
    query = request.GET.get("q", "").strip()[:100]
    people = [person_choice(p) for p in forms.people_matching(request.scope, query)]
    context = {"people": people, "query": query, "name": "person", "base": "id_person"}
    return render(request, "core/widgets/_picker_people.html", context)


@requires(H.USE, service=SERVICE)
def group_list(request: ScopedRequest) -> HttpResponse:
    """List the person's groups and create one."""
    scope = request.scope
    form = forms.GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_create(scope=scope, name=form.cleaned_data["name"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The group is created."))
            return redirect("contacts:group-list")
    groups = list(selectors.group_list_for_owner(scope))
    return render(request, "contacts/group_list.html", {"groups": groups, "form": form})


@requires(H.USE, service=SERVICE)
def group_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Rename a group."""
    scope = request.scope
    group = access.get_group(scope, pk)
    form = forms.GroupForm(request.POST or None, initial={"name": group.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.group_rename(scope=scope, group=group, name=form.cleaned_data["name"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The group is renamed."))
            return redirect("contacts:group-list")
    return render(request, "contacts/group_form.html", {"form": form, "group": group})


@requires(H.USE, service=SERVICE)
@require_POST
def group_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Delete a group (its contacts stay)."""
    scope = request.scope
    group = access.get_group(scope, pk)
    services.group_delete(scope=scope, group=group)
    messages.success(request, _("The group is deleted; its contacts stay in your address book."))
    return redirect("contacts:group-list")


@requires(H.USE, service=SERVICE)
def contact_import(request: ScopedRequest) -> HttpResponse:
    """Import a ``.vcf`` file: new cards are added, cards already imported (same UID) updated."""
    scope = request.scope
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            added, updated = services.contacts_import(scope=scope, upload=form.cleaned_data["file"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(
                request, _("%(added)d contacts added, %(updated)d updated.") % {"added": added, "updated": updated}
            )
            return redirect("contacts:contact-list")
    return render(request, "contacts/contact_import.html", {"form": form})


@requires(H.USE, service=SERVICE)
def contact_export(request: ScopedRequest) -> HttpResponse:
    """Download the whole address book as one ``.vcf`` file (groups as categories)."""
    contacts = selectors.contacts_for_export(request.scope)
    text = "".join(to_vcard(c, categories=[g.name for g in c.groups.all()]) for c in contacts)
    response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="carnet-adresses.vcf"'
    return response
