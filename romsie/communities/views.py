"""Community pages: the list and invitations, the wall, members, the wiki."""

from __future__ import annotations

from django.contrib import messages
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

from . import access, forms, selectors, services
from .habilitations import CommunitiesHabilitation as H

SERVICE = "communities"


def _context(request: ScopedRequest, community: object, **extra: object) -> dict[str, object]:
    return {
        "community": community,
        "is_managing": access.is_managing(community),  # type: ignore[arg-type]
        "documents_on": "documents" in request.scope.services,
        "forums_on": "forums" in request.scope.services,
        **extra,
    }


# Communities


@requires(H.USE, service=SERVICE)
def community_list(request: ScopedRequest) -> HttpResponse:
    """The person's communities and the invitations waiting for their answer (cached until a
    community, a membership or an invitation of the establishment changes)."""
    scope = request.scope

    def render_list() -> str:
        context = {
            "communities": selectors.community_list_for_member(scope),
            "invitations": list(access.pending_invitations(scope).order_by("-created_at", "-pk")),
            "can_create": access.can_create(scope),
        }
        return render_to_string("communities/_community_list_body.html", context, request)

    body = fragments.cached(request, "communities-list", selectors.community_list_stamp(scope), render_list)
    return render(request, "communities/community_list.html", {"body": body})


@requires(H.CREATE, service=SERVICE)
def community_create(request: ScopedRequest) -> HttpResponse:
    """Create a community; one becomes its owner."""
    scope = request.scope
    form = forms.CommunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            community = services.community_create(
                scope=scope, name=form.cleaned_data["name"], description=form.cleaned_data["description"]
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The community is created: invite its members."))
            return redirect("communities:member-invite", community.pk)
    return render(request, "communities/community_form.html", {"form": form, "community": None})


@requires(H.USE, service=SERVICE)
def community_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """The community's wall, newest first, with a form to post (where the person may)."""
    scope = request.scope
    community = access.get_community(scope, pk)
    page = selectors.wall_page(scope, community, cursor=request.GET.get("apres", ""))
    context = _context(
        request,
        community,
        page=page,
        form=forms.PostForm() if access.can_post(scope) else None,
        comment_form=forms.CommentForm() if access.can_comment(scope) else None,
        can_react=access.can_react(scope),
    )
    return render(request, "communities/community_detail.html", context)


@requires(H.USE, service=SERVICE)
def community_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change the community's name and description (owners and managers)."""
    scope = request.scope
    community = access.get_managed_community(scope, pk)
    form = forms.CommunityForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.community_update(
                scope=scope,
                community=community,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                version=form.shown_version,
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("communities:community-detail", community.pk)
    return render(request, "communities/community_form.html", {"form": form, "community": community})


@require_POST
@requires(H.USE, service=SERVICE)
def community_leave(request: ScopedRequest, pk: int) -> HttpResponse:
    """Leave a community (not its last owner)."""
    scope = request.scope
    community = access.get_community(scope, pk)
    try:
        services.community_leave(scope=scope, community=community)
    except ApplicationError as error:
        show_error(request, error)
        return redirect("communities:member-list", community.pk)
    messages.success(request, _("You left “%(name)s”.") % {"name": community.name})
    return redirect("communities:community-list")


@requires(H.USE, service=SERVICE)
def community_folder(request: ScopedRequest, pk: int) -> HttpResponse:
    """Open the community's shared folder in documents (created on first use; members only)."""
    scope = request.scope
    community = access.get_community(scope, pk)
    try:
        folder_id = services.community_folder(scope=scope, community=community)
    except ApplicationError as error:
        show_error(request, error)
        return redirect("communities:community-detail", community.pk)
    return redirect("documents:folder", folder_id)


# Members and invitations


@requires(H.USE, service=SERVICE)
def member_list(request: ScopedRequest, pk: int) -> HttpResponse:
    """The community's members (and, for managers, the invited people and role changes)."""
    community = access.get_community(request.scope, pk)
    members = selectors.members_of(community)
    if not access.is_managing(community):
        members = [m for m in members if m.status == m.Status.ACTIVE]
    context = _context(request, community, members=members, role_form=forms.RoleForm())
    return render(request, "communities/member_list.html", context)


@requires(H.USE, service=SERVICE)
def member_invite(request: ScopedRequest, pk: int) -> HttpResponse:
    """Invite people, or a class's students, to the community (owners and managers)."""
    scope = request.scope
    community = access.get_managed_community(scope, pk)
    form = forms.InviteForm(request.POST or None, scope=scope, community=community, query=request.POST.get("q", ""))
    if request.method == "POST" and "picker_search" not in request.POST and form.is_valid():
        try:
            count = services.members_invite(scope=scope, community=community, tokens=form.cleaned_data["invitees"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("%(count)d people invited.") % {"count": count})
            return redirect("communities:member-list", community.pk)
    return render(request, "communities/member_invite.html", _context(request, community, form=form))


@requires(H.USE, service=SERVICE)
def people_search(request: ScopedRequest, pk: int) -> HttpResponse:
    """The people matching a name among those one may invite (the picker's live search)."""
    scope = request.scope
    access.get_managed_community(scope, pk)
    query = request.GET.get("q", "").strip()[:100]
    people = [person_choice(p) for p in forms.people_matching(scope, query)]
    context = {"people": people, "query": query, "name": "invitees", "base": "id_invitees"}
    return render(request, "core/widgets/_picker_people.html", context)


@require_POST
@requires(H.USE, service=SERVICE)
def member_role(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change a member's role (owners and managers; owners only for the owner role)."""
    scope = request.scope
    membership = access.get_managed_membership(scope, pk)
    form = forms.RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Choose a role."))
        services.member_role_change(scope=scope, membership=membership, role=form.cleaned_data["role"])
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Role changed."))
    return redirect("communities:member-list", membership.community_id)


@require_POST
@requires(H.USE, service=SERVICE)
def member_remove(request: ScopedRequest, pk: int) -> HttpResponse:
    """Remove a member or withdraw an invitation (owners and managers): their access ends at once."""
    scope = request.scope
    membership = access.get_managed_membership(scope, pk)
    try:
        services.member_remove(scope=scope, membership=membership)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Removed."))
    return redirect("communities:member-list", membership.community_id)


@require_POST
@requires(H.USE, service=SERVICE)
def invitation_accept(request: ScopedRequest, pk: int) -> HttpResponse:
    """Accept one's invitation: one is a member at once."""
    scope = request.scope
    invitation = access.get_invitation(scope, pk)
    community = services.invitation_accept(scope=scope, invitation=invitation)
    messages.success(request, _("Welcome to “%(name)s”.") % {"name": community.name})
    return redirect("communities:community-detail", community.pk)


@require_POST
@requires(H.USE, service=SERVICE)
def invitation_decline(request: ScopedRequest, pk: int) -> HttpResponse:
    """Decline one's invitation."""
    scope = request.scope
    invitation = access.get_invitation(scope, pk)
    services.invitation_decline(scope=scope, invitation=invitation)
    messages.success(request, _("Invitation declined."))
    return redirect("communities:community-list")


# Wall


@require_POST
@requires(H.USE, service=SERVICE)
def post_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """Write on the community's wall."""
    scope = request.scope
    community = access.get_community(scope, pk)
    form = forms.PostForm(request.POST)
    if form.is_valid():
        try:
            services.post_create(scope=scope, community=community, body=form.cleaned_data["body"])
        except ApplicationError as error:
            show_error(request, error)
        else:
            messages.success(request, _("Posted."))
    else:
        messages.error(request, _("The text is empty once cleaned of what is not allowed."))
    return redirect("communities:community-detail", community.pk)


@requires(H.USE, service=SERVICE)
def post_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change one's own post."""
    scope = request.scope
    post = access.get_own_post(scope, pk)
    form = forms.PostForm(request.POST or None, post=post)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_update(scope=scope, post=post, body=form.cleaned_data["body"], version=form.shown_version)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("communities:community-detail", post.community_id)
    community = access.get_community(scope, post.community_id)
    return render(request, "communities/post_form.html", _context(request, community, form=form, post=post))


@require_POST
@requires(H.USE, service=SERVICE)
def post_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Delete a post: its author, or a manager (audited)."""
    scope = request.scope
    post = access.get_post(scope, pk)
    try:
        services.post_delete(scope=scope, post=post)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Deleted."))
    return redirect("communities:community-detail", post.community_id)


@require_POST
@requires(H.USE, service=SERVICE)
def post_hide(request: ScopedRequest, pk: int) -> HttpResponse:
    """Hide a post from the members, or show it again (managers, audited)."""
    scope = request.scope
    post = access.get_moderated_post(scope, pk)
    hidden = request.POST.get("hidden", "1") == "1"
    services.post_hide(scope=scope, post=post, hidden=hidden)
    messages.success(request, _("The post is hidden.") if hidden else _("The post is shown again."))
    return redirect("communities:community-detail", post.community_id)


@require_POST
@requires(H.USE, service=SERVICE)
def post_react(request: ScopedRequest, pk: int) -> HttpResponse:
    """Like a post, or take one's like back."""
    scope = request.scope
    post = access.get_post(scope, pk)
    try:
        services.reaction_toggle(scope=scope, post=post)
    except ApplicationError as error:
        show_error(request, error)
    return redirect("communities:community-detail", post.community_id)


@require_POST
@requires(H.USE, service=SERVICE)
def comment_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """Comment on a post."""
    scope = request.scope
    post = access.get_post(scope, pk)
    form = forms.CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Write a comment first."))
        services.comment_create(scope=scope, post=post, body=form.cleaned_data["body"])
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Comment added."))
    return redirect("communities:community-detail", post.community_id)


@require_POST
@requires(H.USE, service=SERVICE)
def comment_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Delete a comment: its author, or a manager (audited)."""
    scope = request.scope
    comment = access.get_removable_comment(scope, pk)
    services.comment_delete(scope=scope, comment=comment)
    messages.success(request, _("Deleted."))
    return redirect("communities:community-detail", comment.post.community_id)


# Wiki


@requires(H.USE, service=SERVICE)
def wiki_index(request: ScopedRequest, pk: int) -> HttpResponse:
    """The pages of the community's wiki."""
    community = access.get_community(request.scope, pk)
    context = _context(
        request, community, pages=selectors.wiki_pages(community), can_write=access.can_post(request.scope)
    )
    return render(request, "communities/wiki_index.html", context)


@requires(H.USE, service=SERVICE)
def wiki_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """Create a wiki page (the title may come from a link to a missing page)."""
    scope = request.scope
    community = access.get_community(scope, pk)
    form = forms.WikiCreateForm(request.POST or None, initial={"title": request.GET.get("titre", "")[:150]})
    if request.method == "POST" and form.is_valid():
        try:
            page = services.wiki_page_create(
                scope=scope, community=community, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Page created."))
            return redirect("communities:wiki-page", community.pk, page.slug)
    return render(request, "communities/wiki_form.html", _context(request, community, form=form, page=None))


@requires(H.USE, service=SERVICE)
def wiki_page(request: ScopedRequest, pk: int, slug: str) -> HttpResponse:
    """One wiki page, its links to other pages made clickable."""
    scope = request.scope
    community = access.get_community(scope, pk)
    page = access.get_page(community, slug)
    context = _context(
        request,
        community,
        page=page,
        body=selectors.render_wiki(community, page.body),
        can_write=access.can_post(scope),
    )
    return render(request, "communities/wiki_page.html", context)


@requires(H.USE, service=SERVICE)
def wiki_edit(request: ScopedRequest, pk: int, slug: str) -> HttpResponse:
    """Edit a wiki page; a save from an older version shows the other person's and keeps one's text."""
    scope = request.scope
    community = access.get_community(scope, pk)
    page = access.get_page(community, slug)
    form = forms.WikiEditForm(request.POST or None, page=page)
    if request.method == "POST" and form.is_valid():
        try:
            services.wiki_page_update(
                scope=scope, page=page, body=form.cleaned_data["body"], version=form.shown_version
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("communities:wiki-page", community.pk, page.slug)
    return render(request, "communities/wiki_form.html", _context(request, community, form=form, page=page))


@requires(H.USE, service=SERVICE)
def wiki_history(request: ScopedRequest, pk: int, slug: str) -> HttpResponse:
    """Every save of a wiki page: who, when."""
    community = access.get_community(request.scope, pk)
    page = access.get_page(community, slug)
    context = _context(request, community, page=page, revisions=selectors.revisions_of(page))
    return render(request, "communities/wiki_history.html", context)


@requires(H.USE, service=SERVICE)
def wiki_revision(request: ScopedRequest, pk: int, slug: str, number: int) -> HttpResponse:
    """An old revision of a wiki page, with a button to restore it."""
    scope = request.scope
    community = access.get_community(scope, pk)
    page = access.get_page(community, slug)
    revision = selectors.get_revision(page, number)
    context = _context(
        request,
        community,
        page=page,
        revision=revision,
        body=selectors.render_wiki(community, revision.body),
        can_write=access.can_post(scope),
    )
    return render(request, "communities/wiki_revision.html", context)


@require_POST
@requires(H.USE, service=SERVICE)
def wiki_restore(request: ScopedRequest, pk: int, slug: str, number: int) -> HttpResponse:
    """Make an old revision the page's text again (a new revision)."""
    scope = request.scope
    community = access.get_community(scope, pk)
    page = access.get_page(community, slug)
    revision = selectors.get_revision(page, number)
    try:
        services.wiki_revision_restore(scope=scope, page=page, revision=revision)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Revision %(number)d restored.") % {"number": revision.number})
    return redirect("communities:wiki-page", community.pk, page.slug)
