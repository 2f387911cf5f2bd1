"""Writes of the communities service: communities, members and invitations, the wall, the wiki.

Every write is keyword-only and atomic and takes the actor's scope; a refusal the person can act
on is an ``ApplicationError``. Moderation (hiding or deleting another's post or comment) and
membership changes made by managers are audited. A membership change bumps the person's agenda
version, so the community's events appear or disappear from their week at once. Every change of a
community, a membership or an invitation bumps the establishment's ``communities`` version once
committed: the cached lists of communities and of forums (a community's forum follows its
membership) show it at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.core import versions
from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.forms import person_ids
from romsie.core.ids import parse_id
from romsie.core.richtext import clean_rich_text, has_text
from romsie.core.services import audit_record
from romsie.documents.spaces import group_space_for
from romsie.notifications.services import notify
from romsie.schooling.access import visible_school_classes
from romsie.schooling.models import Enrollment

from . import access, selectors
from .models import Comment, Community, Membership, Reaction, WallPost, WikiPage, WikiRevision

KIND_INVITED = "communities.invited"
KIND_POST = "communities.post"
FOLDER_KIND = "community"  # the kind of group of the communities' spaces in documents
MAX_INVITED = 500


def _refuse(message: str, reason: str) -> ApplicationError:
    return ApplicationError(message, extra={"reason": reason})


def _changed(establishment_id: int | None) -> None:
    """The cached lists of the establishment's communities and forums show the change at once."""
    transaction.on_commit(lambda: versions.bump(versions.Kind.COMMUNITIES, establishment_id))


def _membership_changed(user_ids: Sequence[int]) -> None:
    def bump() -> None:
        for user_id in user_ids:
            versions.bump(versions.Kind.AGENDA_PERSON, user_id)

    bump()  # now, and again once committed: a reader between the two recomputes once more
    transaction.on_commit(bump)


def _clean_body(body: str) -> str:
    cleaned = clean_rich_text(body)
    if not has_text(cleaned):
        raise _refuse(_("The text is empty once cleaned of what is not allowed."), "empty")
    return cleaned


# Communities


@transaction.atomic
def community_create(*, scope: Scope, name: str, description: str = "") -> Community:
    """Create a community; its creator is its first owner."""
    if not access.can_create(scope):
        raise _refuse(_("You may not create a community."), "not allowed")
    if not name.strip():
        raise _refuse(_("Give the community a name."), "no name")
    community = Community.objects.create(
        establishment_id=scope.establishment_id,
        name=name.strip()[:150],
        description=description.strip(),
        created_by_id=scope.user_id,
    )
    Membership.objects.create(
        establishment_id=scope.establishment_id,
        community=community,
        user_id=scope.user_id,
        role=Membership.Role.OWNER,
        status=Membership.Status.ACTIVE,
        joined_at=timezone.now(),
    )
    audit_record(scope=scope, action="communities.create", target=community, community=community.pk)
    _membership_changed([scope.user_id or 0])
    _changed(community.establishment_id)
    return community


@transaction.atomic
def community_update(
    *, scope: Scope, community: Community, name: str, description: str, version: int | None
) -> Community:
    """Change a community's name and description (owners and managers); a stale edit is refused."""
    if not access.is_managing(community):
        raise _refuse(_("Only the community's owners and managers may change it."), "not managing")
    claim_version(community, version)
    community.name = name.strip()[:150]
    community.description = description.strip()
    community.save(update_fields=["name", "description", "version"])
    _changed(community.establishment_id)
    return community


def community_folder(*, scope: Scope, community: Community) -> int:
    """The id of the root folder of the community's shared space in documents (created on first use).

    Documents asks this app who reaches it (``documents.groups``, registered in ``apps.py``):
    the members contribute, owners and managers manage; a removed member loses it at once.
    """
    establishment = scope.establishment
    if establishment is None or "documents" not in scope.services:
        raise _refuse(_("The documents service is off here."), "documents off")
    space = group_space_for(
        establishment_id=community.establishment_id,
        territory_id=establishment.territory_id,
        group_kind=FOLDER_KIND,
        group_id=community.pk,
        name=community.name,
    )
    assert space.root_id is not None
    return space.root_id


# Members


def _invited_user_ids(scope: Scope, tokens: Sequence[str]) -> list[int]:
    """The people chosen (``user:<id>``) or the students of a chosen class (``class:<id>``), checked again."""
    wanted = set(person_ids(tokens))
    class_ids = [pk for t in tokens if t.startswith("class:") and (pk := parse_id(t[6:])) is not None]
    if class_ids:
        classes = visible_school_classes(scope).filter(pk__in=class_ids, school_year__is_current=True)
        wanted |= set(Enrollment.objects.filter(school_class__in=classes).values_list("student_id", flat=True))
    allowed = set(access.invitable_people(scope).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - allowed:
        raise _refuse(_("Some of the people chosen cannot be invited; remove them."), "out of reach")
    return sorted(allowed)


@transaction.atomic
def members_invite(*, scope: Scope, community: Community, tokens: Sequence[str]) -> int:
    """Invite people to a community (they accept from their communities page); return how many.

    People already members or invited are left as they are.
    """
    if not access.is_managing(community):
        raise _refuse(_("Only the community's owners and managers may invite people."), "not managing")
    user_ids = _invited_user_ids(scope, tokens)
    if len(user_ids) > MAX_INVITED:
        raise _refuse(_("Invite at most %(max)d people at once.") % {"max": MAX_INVITED}, "too many")
    present = set(access.visible_memberships(community).values_list("user_id", flat=True))
    new = [pk for pk in user_ids if pk not in present]
    Membership.objects.bulk_create(
        [
            Membership(
                establishment_id=community.establishment_id,
                community=community,
                user_id=pk,
                role=Membership.Role.MEMBER,
                status=Membership.Status.INVITED,
                invited_by_id=scope.user_id,
            )
            for pk in new
        ],
        ignore_conflicts=True,
    )
    if new:
        audit_record(scope=scope, action="communities.invite", target=community, people=",".join(map(str, new)))
        notify(
            KIND_INVITED,
            new,
            params={"community": community.name},
            url=reverse("communities:community-list"),
            establishment_id=community.establishment_id,
            actor_id=scope.user_id,
        )
        _changed(community.establishment_id)
    return len(new)


@transaction.atomic
def invitation_accept(*, scope: Scope, invitation: Membership) -> Community:
    """Accept one's own invitation: one becomes a member at once."""
    if invitation.user_id != scope.user_id or invitation.status != Membership.Status.INVITED:
        raise _refuse(_("This invitation is no longer open."), "not open")
    invitation.status = Membership.Status.ACTIVE
    invitation.joined_at = timezone.now()
    invitation.save(update_fields=["status", "joined_at"])
    _membership_changed([invitation.user_id])
    _changed(invitation.establishment_id)
    return invitation.community


@transaction.atomic
def invitation_decline(*, scope: Scope, invitation: Membership) -> None:
    """Decline one's own invitation (it is removed)."""
    if invitation.user_id != scope.user_id or invitation.status != Membership.Status.INVITED:
        raise _refuse(_("This invitation is no longer open."), "not open")
    invitation.delete()
    _changed(invitation.establishment_id)


def _lock_owners(community_id: int) -> int:
    """Lock the community's owner rows and count them: two owners leaving at once keep one."""
    owners = Membership.objects.select_for_update().filter(
        community_id=community_id, status=Membership.Status.ACTIVE, role=Membership.Role.OWNER
    )
    return len(list(owners.values_list("pk", flat=True)))


@transaction.atomic
def member_role_change(*, scope: Scope, membership: Membership, role: str) -> Membership:
    """Change a member's role (owners and managers; only an owner makes or unmakes owners)."""
    community = access.get_managed_community(scope, membership.community_id)
    if role not in Membership.Role.values:
        raise _refuse(_("Choose a role."), "unknown role")
    if Membership.Role.OWNER in (role, membership.role) and not access.is_owner(community):
        raise _refuse(_("Only an owner may make or unmake owners."), "owners only")
    if membership.status != Membership.Status.ACTIVE:
        raise _refuse(_("This person has not accepted the invitation yet."), "invited")
    if membership.role == Membership.Role.OWNER and role != Membership.Role.OWNER and _lock_owners(community.pk) <= 1:
        raise _refuse(_("A community keeps at least one owner: make someone else owner first."), "last owner")
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        scope=scope, action="communities.role", target=community, person=membership.user_id, role=role, was=previous
    )
    _changed(membership.establishment_id)
    return membership


@transaction.atomic
def member_remove(*, scope: Scope, membership: Membership) -> None:
    """Remove a member or withdraw an invitation (owners and managers; an owner only by an owner)."""
    community = access.get_managed_community(scope, membership.community_id)
    if membership.role == Membership.Role.OWNER:
        if not access.is_owner(community):
            raise _refuse(_("Only an owner may remove an owner."), "owners only")
        if membership.status == Membership.Status.ACTIVE and _lock_owners(community.pk) <= 1:
            raise _refuse(_("A community keeps at least one owner: make someone else owner first."), "last owner")
    audit_record(scope=scope, action="communities.remove", target=community, person=membership.user_id)
    membership.delete()
    _membership_changed([membership.user_id])
    _changed(membership.establishment_id)


@transaction.atomic
def community_leave(*, scope: Scope, community: Community) -> None:
    """Leave a community; the last owner may not."""
    mine = access.visible_memberships(community).filter(user_id=scope.user_id).first()
    if mine is None:
        raise _refuse(_("You are not a member of this community."), "not a member")
    if mine.role == Membership.Role.OWNER and _lock_owners(community.pk) <= 1:
        raise _refuse(_("You are its last owner: make someone else owner before leaving."), "last owner")
    mine.delete()
    _membership_changed([scope.user_id or 0])
    _changed(mine.establishment_id)


# Wall


@transaction.atomic
def post_create(*, scope: Scope, community: Community, body: str) -> WallPost:
    """Write on a community's wall; its other members are notified."""
    if not access.can_post(scope):
        raise _refuse(_("Posting is not open to students here."), "student posts off")
    post = WallPost.objects.create(
        establishment_id=community.establishment_id,
        community=community,
        author_id=scope.user_id,
        body=_clean_body(body),
    )
    recipients = list(selectors.member_ids(community).values_list("user_id", flat=True))
    notify(
        KIND_POST,
        recipients,
        params={"community": community.name},
        url=reverse("communities:community-detail", args=[community.pk]),
        establishment_id=community.establishment_id,
        actor_id=scope.user_id,
    )
    return post


@transaction.atomic
def post_update(*, scope: Scope, post: WallPost, body: str, version: int | None) -> WallPost:
    """Change one's own post; a stale edit is refused."""
    if post.author_id != scope.user_id or not access.can_post(scope):
        raise _refuse(_("Only its author may change a post."), "not the author")
    claim_version(post, version)
    post.body = _clean_body(body)
    post.save(update_fields=["body", "updated_at", "version"])
    return post


@transaction.atomic
def post_delete(*, scope: Scope, post: WallPost) -> None:
    """Delete a post: its author, or a manager (audited)."""
    managed = access.managed_community_ids(scope).filter(community_id=post.community_id).exists()
    if post.author_id != scope.user_id and not managed:
        raise _refuse(_("Only its author or a manager may delete a post."), "not allowed")
    if post.author_id != scope.user_id:
        audit_record(scope=scope, action="communities.post_delete", target=post, author=post.author_id)
    post.delete()


@transaction.atomic
def post_hide(*, scope: Scope, post: WallPost, hidden: bool) -> WallPost:
    """Hide a post from the members (or show it again): managers, audited."""
    if not access.managed_community_ids(scope).filter(community_id=post.community_id).exists():
        raise _refuse(_("Only the community's managers may hide a post."), "not managing")
    post.is_hidden = hidden
    post.save(update_fields=["is_hidden", "updated_at"])
    audit_record(
        scope=scope, action="communities.post_hide" if hidden else "communities.post_show", target=post,
        author=post.author_id,
    )  # fmt: skip
    return post


@transaction.atomic
def comment_create(*, scope: Scope, post: WallPost, body: str) -> Comment:
    """Comment on a post of a community one belongs to (students: where comments are allowed)."""
    if not access.can_comment(scope):
        raise _refuse(_("Comments are not open to students here."), "comments off")
    text = body.strip()[:2000]  # plain text, escaped where shown
    if not text:
        raise _refuse(_("Write a comment first."), "empty")
    return Comment.objects.create(establishment_id=post.establishment_id, post=post, author_id=scope.user_id, body=text)


@transaction.atomic
def comment_delete(*, scope: Scope, comment: Comment) -> None:
    """Delete a comment: its author, or a manager (audited)."""
    if comment.author_id != scope.user_id:
        audit_record(scope=scope, action="communities.comment_delete", target=comment, author=comment.author_id)
    comment.delete()


@transaction.atomic
def reaction_toggle(*, scope: Scope, post: WallPost) -> bool:
    """Like a post, or take one's like back; return whether the person now likes it."""
    if not access.can_react(scope):
        raise _refuse(_("Reactions are not open to students here."), "reactions off")
    deleted, _rows = Reaction.objects.filter(post=post, user_id=scope.user_id).delete()
    if deleted:
        return False
    Reaction.objects.bulk_create(
        [Reaction(establishment_id=post.establishment_id, post=post, user_id=scope.user_id)], ignore_conflicts=True
    )
    return True


# Wiki


def _revise(scope: Scope, page: WikiPage, *, restored_from: int | None = None) -> WikiRevision:
    last = page.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return WikiRevision.objects.create(
        establishment_id=page.establishment_id,
        page=page,
        number=last + 1,
        title=page.title,
        body=page.body,
        author_id=scope.user_id,
        restored_from=restored_from,
    )


@transaction.atomic
def wiki_page_create(*, scope: Scope, community: Community, title: str, body: str) -> WikiPage:
    """Create a page of the community's wiki (its first revision)."""
    if not access.can_post(scope):
        raise _refuse(_("Writing in the wiki is not open to students here."), "student posts off")
    title = title.strip()[:150]
    if not title:
        raise _refuse(_("Give the page a title."), "no title")
    slug = selectors.wiki_slug(title)
    if access.visible_pages(community).filter(slug=slug).exists():
        raise _refuse(_("A page with this title already exists."), "slug taken")
    try:
        with transaction.atomic():
            page = WikiPage.objects.create(
                establishment_id=community.establishment_id,
                community=community,
                title=title,
                slug=slug,
                body=clean_rich_text(body),
                updated_by_id=scope.user_id,
            )
    except IntegrityError as error:
        raise _refuse(_("A page with this title already exists."), "slug taken") from error
    _revise(scope, page)
    return page


@transaction.atomic
def wiki_page_update(*, scope: Scope, page: WikiPage, body: str, version: int | None) -> WikiPage:
    """Save a new text of a page (a new revision; its title, hence its address, stays); a save from
    an older version is refused."""
    if not access.can_post(scope):
        raise _refuse(_("Writing in the wiki is not open to students here."), "student posts off")
    claim_version(page, version)
    page.body = clean_rich_text(body)
    page.updated_by_id = scope.user_id
    page.save(update_fields=["body", "updated_by", "updated_at", "version"])
    _revise(scope, page)
    return page


@transaction.atomic
def wiki_revision_restore(*, scope: Scope, page: WikiPage, revision: WikiRevision) -> WikiPage:
    """Make an old revision the page's text again (a new revision, the history is kept)."""
    if not access.can_post(scope):
        raise _refuse(_("Writing in the wiki is not open to students here."), "student posts off")
    claim_version(page, page.version)
    page.body = revision.body
    page.updated_by_id = scope.user_id
    page.save(update_fields=["body", "updated_by", "updated_at", "version"])
    _revise(scope, page, restored_from=revision.number)
    return page
