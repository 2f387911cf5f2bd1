"""Social features for students, switched per school level: comments, reactions, posting, forums.

Blogs, forums, community walls and polls ask one question before they let a student comment,
react, post for other students to read or take part in a forum: :func:`allows`. Adults
(teachers, staff, parents, partners) are never limited by these switches; their rights come from
their habilitations and memberships.

By default every feature is off for the pupils of primary schools and on for the students of
secondary schools. The establishment switches each feature per level of its own, within what
its territory allows (the ceiling); the stricter applies.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.establishments.models import Establishment

PRIMARY_KINDS = frozenset(str(kind) for kind in Establishment.PRIMARY_KINDS)


class SocialFeature(StrEnum):
    """A social feature that may be switched on or off for the students of a level."""

    COMMENTS = "comments"  # comment on blog posts and wall posts
    REACTIONS = "reactions"  # react to a post ("like")
    STUDENT_POSTS = "student_posts"  # write posts other students read (blog author, wall)
    FORUMS = "forums"  # read and write in forums

    @property
    def label(self) -> str:
        return str(FEATURE_LABELS[self])


FEATURE_LABELS = {
    SocialFeature.COMMENTS: _("Comments"),
    SocialFeature.REACTIONS: _("Reactions"),
    SocialFeature.STUDENT_POSTS: _("Posts by students"),
    SocialFeature.FORUMS: _("Forums"),
}


def default_allowed(establishment_kind: str) -> bool:
    """What a level of an establishment of this kind allows when nobody chose: off in primary."""
    return establishment_kind not in PRIMARY_KINDS


def allows(scope: Scope, feature: SocialFeature) -> bool:
    """Tell whether the signed-in person may use ``feature`` in the current establishment.

    Only students are limited; everyone else is allowed (their own habilitations still apply).
    """
    if not scope.is_student:
        return True
    if scope.establishment is None:
        return False
    return default_allowed(scope.establishment.kind)
