"""Who sees and who does what in communities: membership decides everything.

* Nobody without ``communities.use`` in their current establishment sees any community.
* A community is seen by its active members only, in its own establishment: anyone else —
  the head, a partner who is not a member, a person of another establishment — gets a 404.
  Removing a member takes effect at their next request (the gates cache nothing on membership;
  the cached lists follow the establishment's ``communities`` version, which every change bumps).
* A person invited to a community sees its name and description on their communities page until
  they accept (they become a member) or decline; nothing else of it.
* Owners and managers ("managing") change the community's name and description, invite and
  remove members, change roles (only an owner makes or unmakes owners), hide or delete any post
  or comment (audited) and create the community's agenda events. A member may leave; the last
  owner may not.
* Every member reads the wall and the wiki, writes posts, comments, reacts and edits the wiki;
  a student does so only where the establishment allows students' posts, comments and reactions
  (``schooling.social.allows``). Authors edit and delete their own posts and comments.
* A hidden post or comment is shown to its author and to managers only.
* ``communities.create`` (teachers and staff by default) creates a community; its creator is its
  first owner.
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.identity.models import RoleAssignment, User
from romsie.identity.selectors import BY_NAME
from romsie.schooling.social import SocialFeature, allows

from .habilitations import CommunitiesHabilitation as H
from .models import Comment, Community, Membership, WallPost, WikiPage

ACTIVE = Membership.Status.ACTIVE


def _may_use(scope: Scope) -> bool:
    return scope.user_id is not None and scope.establishment_id is not None and scope.has(H.USE)


def _memberships(scope: Scope) -> QuerySet[Membership]:
    if not _may_use(scope):
        return Membership.objects.none()
    return Membership.objects.filter(user_id=scope.user_id, establishment_id=scope.establishment_id)


def member_community_ids(scope: Scope) -> QuerySet[Any, Any]:
    """The ids of the communities the person is an active member of here (a subquery)."""
    return _memberships(scope).filter(status=ACTIVE).values("community_id")


def managed_community_ids(scope: Scope) -> QuerySet[Any, Any]:
    """The ids of the communities the person owns or manages here (a subquery)."""
    return _memberships(scope).filter(status=ACTIVE, role__in=Membership.MANAGING).values("community_id")


def visible_communities(scope: Scope) -> QuerySet[Community]:
    """Return the communities the person belongs to, each with ``my_role`` (their role)."""
    if not _may_use(scope):
        return Community.objects.none()
    role = Membership.objects.filter(community_id=OuterRef("pk"), user_id=scope.user_id, status=ACTIVE)
    return Community.objects.filter(
        establishment_id=scope.establishment_id, pk__in=member_community_ids(scope)
    ).annotate(my_role=Subquery(role.values("role")[:1]))


def get_community(scope: Scope, pk: int) -> Community:
    """Return a community the person belongs to (``my_role`` annotated), or raise 404."""
    return first_or_404(visible_communities(scope).filter(pk=pk))


def get_managed_community(scope: Scope, pk: int) -> Community:
    """Return a community the person owns or manages, or raise 404."""
    return first_or_404(visible_communities(scope).filter(pk__in=managed_community_ids(scope), pk=pk))


def is_managing(community: Community) -> bool:
    """Whether the person the community was fetched for owns or manages it (see ``my_role``)."""
    return getattr(community, "my_role", None) in Membership.MANAGING


def is_owner(community: Community) -> bool:
    """Whether the person the community was fetched for owns it (see ``my_role``)."""
    return getattr(community, "my_role", None) == Membership.Role.OWNER


def can_create(scope: Scope) -> bool:
    """Whether the person may create a community (``communities.create``)."""
    return _may_use(scope) and scope.has(H.CREATE)


def can_post(scope: Scope) -> bool:
    """Whether the person may write on walls and in wikis (students: where the level allows it)."""
    return allows(scope, SocialFeature.STUDENT_POSTS)


def can_comment(scope: Scope) -> bool:
    """Whether the person may comment (students: where the level allows comments)."""
    return allows(scope, SocialFeature.COMMENTS)


def can_react(scope: Scope) -> bool:
    """Whether the person may like posts (students: where the level allows reactions)."""
    return allows(scope, SocialFeature.REACTIONS)


def pending_invitations(scope: Scope) -> QuerySet[Membership]:
    """The person's invitations waiting for an answer here, with their community."""
    return _memberships(scope).filter(status=Membership.Status.INVITED).select_related("community", "invited_by")


def get_invitation(scope: Scope, pk: int) -> Membership:
    """Return one of the person's pending invitations, or raise 404."""
    return first_or_404(pending_invitations(scope).filter(pk=pk))


def visible_posts(scope: Scope, community: Community) -> QuerySet[WallPost]:
    """The posts of a community the person sees: all for managers, the hidden ones only to their author."""
    posts = WallPost.objects.filter(community_id=community.pk, establishment_id=community.establishment_id)
    if is_managing(community):
        return posts
    return posts.filter(Q(is_hidden=False) | Q(author_id=scope.user_id))


def _posts_of_my_communities(scope: Scope) -> QuerySet[WallPost]:
    return WallPost.objects.filter(
        establishment_id=scope.establishment_id, community_id__in=member_community_ids(scope)
    )


def get_post(scope: Scope, pk: int) -> WallPost:
    """Return a post of a community the person belongs to and may see, or raise 404."""
    managed = managed_community_ids(scope)
    seen = Q(is_hidden=False) | Q(author_id=scope.user_id) | Q(community_id__in=managed)
    return first_or_404(_posts_of_my_communities(scope).filter(seen, pk=pk).select_related("community"))


def get_own_post(scope: Scope, pk: int) -> WallPost:
    """Return one of the person's own posts (in a community they still belong to), or raise 404."""
    return first_or_404(_posts_of_my_communities(scope).filter(pk=pk, author_id=scope.user_id))


def get_moderated_post(scope: Scope, pk: int) -> WallPost:
    """Return a post of a community the person owns or manages, or raise 404."""
    return first_or_404(
        WallPost.objects.filter(
            establishment_id=scope.establishment_id, community_id__in=managed_community_ids(scope), pk=pk
        ).select_related("community")
    )


def get_removable_comment(scope: Scope, pk: int) -> Comment:
    """Return a comment the person may delete (their own, or any where they manage), or raise 404."""
    mine = Q(author_id=scope.user_id, post__community_id__in=member_community_ids(scope))
    managed = Q(post__community_id__in=managed_community_ids(scope))
    return first_or_404(
        Comment.objects.filter(mine | managed, establishment_id=scope.establishment_id, pk=pk).select_related("post")
    )


def visible_pages(community: Community) -> QuerySet[WikiPage]:
    """The wiki pages of a community (for a person already let in by :func:`get_community`)."""
    return WikiPage.objects.filter(community_id=community.pk, establishment_id=community.establishment_id)


def get_page(community: Community, slug: str) -> WikiPage:
    """Return a wiki page of the community, or raise 404."""
    return first_or_404(visible_pages(community).filter(slug=slug))


def visible_memberships(community: Community) -> QuerySet[Membership]:
    """The memberships of a community, active and invited (for its members)."""
    return Membership.objects.filter(community_id=community.pk, establishment_id=community.establishment_id)


def get_managed_membership(scope: Scope, pk: int) -> Membership:
    """Return a membership of a community the person owns or manages, or raise 404."""
    return first_or_404(
        Membership.objects.filter(
            establishment_id=scope.establishment_id, community_id__in=managed_community_ids(scope), pk=pk
        ).select_related("community", "user")
    )


def invitable_people(scope: Scope) -> QuerySet[User]:
    """The people one may invite: active role holders of the current establishment (partners included)."""
    holders = RoleAssignment.objects.filter(establishment_id=scope.establishment_id, is_active=True)
    return User.objects.filter(pk__in=holders.values("user_id"), is_active=True).order_by(*BY_NAME)
