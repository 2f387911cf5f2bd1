"""People of the establishment: list, creation, roles, guardian links and accounts.

Account-wide actions (deactivate, reactivate, new activation code, a person's letter)
reach only the accounts the establishment may manage (see ``administration.access``);
others answer 403 with an explanation. Nobody removes their own roles or deactivates
their own account here, so an administrator cannot lock themself out by mistake.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core.access.declarations import requires
from romsie.core.access.middleware import forbidden
from romsie.core.access.scope import Scope, ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.establishments.access import get_current_establishment
from romsie.identity import services as identity_services
from romsie.identity.forms import GuardianAddForm, GuardianshipForm, PersonCreateForm, RoleAddForm
from romsie.identity.habilitations import IdentityHabilitation
from romsie.identity.models import Guardianship
from romsie.schooling import services as schooling_services
from romsie.schooling.forms import StudentClassForm

from .. import access, selectors, services
from .base import no_store, pdf_response, posted

MANAGE = IdentityHabilitation.MANAGE_PEOPLE
PAGE_SIZE = 25


def _page(scope: Scope, pk: int) -> selectors.PersonPage:
    return selectors.person_page(scope, pk)


def _guardian_form(scope: Scope, page: selectors.PersonPage, data: Any = None) -> GuardianAddForm | None:
    if not page.is_student:
        return None
    return GuardianAddForm(
        data,
        prefix="guardian",
        student=page.person,
        candidates=access.guardian_candidates(scope),
        links=selectors.guardian_links_of(scope, page.person),
    )


def _render_person(
    request: ScopedRequest,
    page: selectors.PersonPage,
    *,
    role_form: RoleAddForm | None = None,
    guardian_form: GuardianAddForm | None = None,
    class_form: StudentClassForm | None = None,
) -> HttpResponse:
    scope = request.scope
    context = {
        "page": page,
        "person": page.person,
        "role_form": role_form or RoleAddForm(prefix="role", scope=scope, person=page.person),
        "guardian_form": guardian_form or _guardian_form(scope, page),
        "class_form": class_form
        or (
            StudentClassForm(
                prefix="placement", scope=scope, initial={"school_class": page.classes[:1] and page.classes[0]}
            )
            if page.is_student
            else None
        ),
        "is_self": page.person.pk == scope.user_id,
    }
    return render(request, "administration/person_detail.html", context)


@requires(MANAGE)
def person_list(request: ScopedRequest) -> HttpResponse:
    """List the establishment's people, searched by name and filtered by role, 25 a page."""
    scope = request.scope
    query = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    people = selectors.person_list_for_admin(scope, query=query, role=role)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "query": query, "role": role, "roles": selectors.ROLE_FILTERS}
    return render(request, "administration/person_list.html", context)


@requires(MANAGE)
def person_create(request: ScopedRequest) -> HttpResponse:
    """Create a person with a role here; they will activate their account with a letter."""
    scope = request.scope
    form = PersonCreateForm(posted(request), scope=scope)
    if request.method == "POST" and form.is_valid():
        person = services.establishment_person_create(scope=scope, **form.cleaned_data)
        messages.success(
            request,
            _("%(name)s was created with the username %(username)s.")
            % {"name": person.get_full_name(), "username": person.username},
        )
        return redirect("administration:person-detail", person.pk)
    return render(request, "administration/person_form.html", {"form": form, "title": _("New person")})


@requires(MANAGE)
def person_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """Show a person's roles here, guardian links and account, with the actions on them."""
    return _render_person(request, _page(request.scope, pk))


@requires(MANAGE)
@require_POST
def role_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """Give the person one more role in the establishment."""
    scope = request.scope
    page = _page(scope, pk)
    form = RoleAddForm(request.POST, prefix="role", scope=scope, person=page.person)
    if not form.is_valid():
        return _render_person(request, page, role_form=form)
    identity_services.role_assignment_add(
        scope=scope, user=page.person, role=form.cleaned_data["role"], function=form.cleaned_data["function"]
    )
    messages.success(request, _("Role added."))
    return redirect("administration:person-detail", pk)


@requires(MANAGE)
@require_POST
def student_class_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Place a student in a class of the current year, or move them to another one."""
    scope = request.scope
    page = _page(scope, pk)
    if not page.is_student:
        raise Http404
    form = StudentClassForm(request.POST, prefix="placement", scope=scope)
    if not form.is_valid():
        return _render_person(request, page, class_form=form)
    try:
        schooling_services.student_class_set(
            scope=scope, student=page.person, school_class=form.cleaned_data["school_class"]
        )
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Class saved."))
    return redirect("administration:person-detail", pk)


@requires(MANAGE)
@require_POST
def role_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Take one role away from a person (never from oneself)."""
    scope = request.scope
    assignment = access.get_role_assignment(scope, pk)
    if assignment.user_id == scope.user_id:
        messages.error(request, _("You cannot remove your own roles; ask another administrator."))
        return redirect("administration:person-detail", assignment.user_id)
    identity_services.role_assignment_remove(scope=scope, assignment=assignment)
    messages.success(request, _("Role removed."))
    if not access.visible_people(scope).filter(pk=assignment.user_id).exists():
        return redirect("administration:person-list")
    return redirect("administration:person-detail", assignment.user_id)


@requires(MANAGE)
@require_POST
def guardianship_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """Link a student to a guardian: an existing person of the establishment or a new one."""
    scope = request.scope
    page = _page(scope, pk)
    form = _guardian_form(scope, page, request.POST)
    if form is None:
        raise Http404
    if not form.is_valid():
        return _render_person(request, page, guardian_form=form)
    data = form.cleaned_data
    identity_services.guardian_add(
        scope=scope,
        establishment=get_current_establishment(scope),
        student=page.person,
        guardian=data["existing"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        kind=data["kind"],
        rank=data["rank"],
        relationship=data["relationship"],
        can_justify_absences=data["can_justify_absences"],
    )
    messages.success(request, _("Guardian added."))
    return redirect("administration:person-detail", pk)


def _guardianship(scope: Scope, pk: int) -> Guardianship:
    return access.get_guardianship(scope, pk)


@requires(MANAGE)
def guardianship_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change the kind, number and rights of a guardian link."""
    scope = request.scope
    link = _guardianship(scope, pk)
    links = selectors.guardian_links_of(scope, link.student)
    form = GuardianshipForm(posted(request), guardianship=link, links=links)
    if request.method == "POST" and form.is_valid():
        try:
            identity_services.guardianship_update(scope=scope, guardianship=link, **form.cleaned_data)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("administration:person-detail", link.student_id)
    return render(request, "administration/guardianship_form.html", {"form": form, "link": link})


@requires(MANAGE)
def guardianship_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Remove a guardian link, after confirmation."""
    scope = request.scope
    link = _guardianship(scope, pk)
    if request.method == "POST":
        identity_services.guardianship_remove(scope=scope, guardianship=link)
        messages.success(request, _("Guardian link removed."))
        return redirect("administration:person-detail", link.student_id)
    return render(request, "administration/guardianship_confirm_delete.html", {"link": link})


def _account_refused(request: ScopedRequest) -> HttpResponse:
    return forbidden(
        request,
        _(
            "This account cannot be managed from this establishment: it is your own, it belongs to an "
            "administrator, or the person also has a role elsewhere. Ask the territory's administrators."
        ),
    )


@requires(MANAGE)
def person_deactivate(request: ScopedRequest, pk: int) -> HttpResponse:
    """Deactivate a person's account after confirmation; every session of theirs ends."""
    scope = request.scope
    page = _page(scope, pk)
    if not page.can_manage_account:
        return _account_refused(request)
    if request.method == "POST":
        identity_services.account_deactivate(scope=scope, user=page.person)
        messages.success(request, _("The account is deactivated and its sessions have ended."))
        return redirect("administration:person-detail", pk)
    return render(request, "administration/person_confirm_deactivate.html", {"person": page.person})


@requires(MANAGE)
@require_POST
def person_reactivate(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    page = _page(scope, pk)
    if not page.can_manage_account:
        return _account_refused(request)
    identity_services.account_reactivate(scope=scope, user=page.person)
    messages.success(request, _("The account is active again."))
    return redirect("administration:person-detail", pk)


@requires(MANAGE)
@require_POST
def person_code(request: ScopedRequest, pk: int) -> HttpResponse:
    """Issue a new activation code and show it once (the person's earlier codes stop working)."""
    scope = request.scope
    page = _page(scope, pk)
    if not page.can_manage_account:
        return _account_refused(request)
    code = services.activation_code_issue(scope=scope, person=page.person)
    context = {"person": page.person, "code": code, "formatted_code": identity_services.format_code(code)}
    return no_store(render(request, "administration/person_code.html", context))


@requires(MANAGE)
@require_POST
def person_letter(request: ScopedRequest, pk: int) -> HttpResponse:
    """Print one person's letter: with the code just shown, or else with a fresh one."""
    scope = request.scope
    page = _page(scope, pk)
    if not page.can_manage_account:
        return _account_refused(request)
    recipient = selectors.person_letter_recipient(scope, page)
    code = request.POST.get("code", "")
    if code:
        try:
            pdf = services.activation_letter_reprint(scope=scope, recipient=recipient, code=code)
        except ApplicationError:  # the service's message is for the code's owner, not the admin
            messages.error(request, _("This code is no longer valid: issue a new one."))
            return redirect("administration:person-detail", pk)
    else:
        pdf = services.activation_letters_print(scope=scope, recipients=[recipient], label=str(page.person))
    return pdf_response(pdf, f"lettre-activation-{page.person.username}.pdf")


@requires(MANAGE)
def person_sessions_end(request: ScopedRequest, pk: int) -> HttpResponse:
    """End every session of a person, after confirmation: they are signed out on every device."""
    scope = request.scope
    page = _page(scope, pk)
    if not page.can_manage_account:
        return _account_refused(request)
    if request.method == "POST":
        identity_services.sessions_end(scope=scope, user=page.person)
        messages.success(request, _("The person's sessions have ended on every device."))
        return redirect("administration:person-detail", pk)
    return render(request, "administration/person_confirm_sessions_end.html", _confirm_context(page))


@requires(MANAGE)
def person_second_factor_reset(request: ScopedRequest, pk: int) -> HttpResponse:
    """Remove a person's second factor (a lost phone), after confirmation; their sessions end too."""
    scope = request.scope
    page = _page(scope, pk)
    if not page.can_manage_account:
        return _account_refused(request)
    if request.method == "POST":
        identity_services.second_factor_reset(scope=scope, user=page.person)
        messages.success(request, _("The second factor is removed and the person's sessions have ended."))
        return redirect("administration:person-detail", pk)
    return render(request, "administration/person_confirm_second_factor_reset.html", _confirm_context(page))


def _confirm_context(page: selectors.PersonPage) -> dict[str, Any]:
    return {"person": page.person, "cancel_url": reverse("administration:person-detail", args=[page.person.pk])}
