"""Who belongs to which forum, who moderates it, and what each person sees in it.

* A forum is found in its own establishment only (another establishment's is a 404), by its
  members, through ``forums.read``. Membership decides everything, and one function decides it
  (:func:`member_forum_ids`):

  - the establishment's forum: the people of its audience (``schooling.audiences``: roles
    narrowed to levels and classes; staff establishment-wide);
  - a class forum: the class's students (this school year) and the teachers who teach the class;
  - a teaching group's forum: the group's students (this school year) and its teachers;
  - a community's forum: the community's active members, and them only;
  - holders of ``forums.moderate`` or ``forums.manage``: every forum of the establishment but the
    communities' forums.

  A student who leaves a class, or a teacher who stops teaching it, loses its forum at once.
* Students use forums only where their level allows it (``schooling.social.allows(scope,
  SocialFeature.FORUMS)``); otherwise they see no forum at all.
* Moderators of a forum: holders of ``forums.moderate`` (every forum of the establishment) and,
  for a class's or a group's forum, the teachers of that class or group; for a community's forum,
  the community's owners and managers only. They see hidden topics
  and hidden replies, hide and show them, lock, pin and move topics, and handle the reports of
  their forums.
* Every member may open topics and reply in an unlocked topic, edit their own replies, report a
  reply and follow a topic. A hidden topic is found by its moderators only; a hidden reply shows
  to others as "hidden by a moderator", without its text.
* ``forums.manage`` creates forums and categories.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery

from romsie.communities import access as communities_access
from romsie.communities import selectors as communities_selectors
from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.identity.models import Role, RoleAssignment
from romsie.schooling import audiences
from romsie.schooling.access import (
    current_class_ids,
    current_group_ids,
    visible_school_classes,
    visible_teaching_groups,
)
from romsie.schooling.models import Enrollment, GroupMembership, SchoolClass, Teaching, TeachingGroup
from romsie.schooling.social import SocialFeature, allows

from .habilitations import ForumsHabilitation as H
from .models import Category, Forum, Reply, Report, Subscription, Topic, TopicRead


def may_use_forums(scope: Scope) -> bool:
    """Tell whether the person may use forums at all here (the right, and a student's level)."""
    return (
        scope.user_id is not None
        and scope.establishment_id is not None
        and scope.has(H.READ)
        and allows(scope, SocialFeature.FORUMS)
    )


def _taught_group_ids(scope: Scope) -> QuerySet[Any, Any]:
    return Teaching.objects.filter(
        establishment_id=scope.establishment_id, teacher_id=scope.user_id, teaching_group__isnull=False
    ).values("teaching_group_id")


def member_forum_ids(scope: Scope) -> QuerySet[Any, Any]:
    """Return the ids of the forums the person belongs to, as one ``UNION`` of index lookups."""
    forums = Forum.objects.filter(establishment_id=scope.establishment_id)
    communities = forums.filter(community_id__in=communities_access.member_community_ids(scope))
    if scope.has(H.MODERATE) or scope.has(H.MANAGE):
        return (
            forums.exclude(kind=Forum.Kind.COMMUNITY).values("pk").order_by().union(communities.values("pk").order_by())
        )
    parts: list[QuerySet[Any, Any]] = [*audiences.audience_parts(Forum, scope), communities]
    if scope.is_student:
        student = scope.user_id or 0
        parts.append(forums.filter(school_class_id__in=current_class_ids(scope.establishment_id, student)))
        parts.append(forums.filter(teaching_group_id__in=current_group_ids(scope.establishment_id, student)))
    if scope.is_teacher:
        parts += _teacher_parts(scope)
    if not parts:
        return forums.none().values("pk")
    first, *others = (part.values("pk").order_by() for part in parts)
    return first.union(*others) if others else first


def _teacher_parts(scope: Scope) -> list[QuerySet[Forum]]:
    forums = Forum.objects.filter(establishment_id=scope.establishment_id)
    return [
        forums.filter(school_class_id__in=audiences.taught_class_ids(scope.establishment_id, scope.user_id)),
        forums.filter(teaching_group_id__in=_taught_group_ids(scope)),
    ]


def moderated_forum_ids(scope: Scope) -> QuerySet[Any, Any]:
    """Return the ids of the forums the person moderates, as a subquery."""
    forums = Forum.objects.filter(establishment_id=scope.establishment_id)
    if not may_use_forums(scope):
        return forums.none().values("pk")
    communities = forums.filter(community_id__in=communities_access.managed_community_ids(scope))
    if scope.has(H.MODERATE):
        return (
            forums.exclude(kind=Forum.Kind.COMMUNITY).values("pk").order_by().union(communities.values("pk").order_by())
        )
    if scope.is_teacher:
        first, second = (part.values("pk").order_by() for part in _teacher_parts(scope))
        return first.union(second, communities.values("pk").order_by())
    return communities.values("pk")


def moderates(scope: Scope, forum_id: int) -> bool:
    """Tell whether the person moderates the forum ``forum_id``."""
    return Forum.objects.filter(pk=forum_id, pk__in=moderated_forum_ids(scope)).exists()


def _flag(condition: Q) -> ExpressionWrapper[Any]:
    return ExpressionWrapper(condition, output_field=BooleanField())


def visible_forums(scope: Scope) -> QuerySet[Forum]:
    """Return the forums the person belongs to (see the rules at the top)."""
    if not may_use_forums(scope):
        return Forum.objects.none()
    return Forum.objects.filter(establishment_id=scope.establishment_id, pk__in=member_forum_ids(scope))


def unhidden_topics_of(forum: Any) -> QuerySet[Topic]:
    """Return the topics everyone in a forum sees (not hidden), for a subquery on a forum ``forum``
    that the outer query took from :func:`visible_forums` (``OuterRef("pk")``): the access check is
    the outer query's, not repeated for each forum."""
    return Topic.objects.filter(forum_id=forum, is_hidden=False)


def get_forum(scope: Scope, pk: int) -> Forum:
    """Return a forum the person belongs to, with ``is_moderator``, or raise 404."""
    forums = visible_forums(scope).annotate(is_moderator=_flag(Q(pk__in=moderated_forum_ids(scope))))
    return first_or_404(forums.filter(pk=pk))


def visible_categories(scope: Scope) -> QuerySet[Category]:
    """Return the categories of the forums the person belongs to."""
    return Category.objects.filter(establishment_id=scope.establishment_id, forum__in=visible_forums(scope))


def get_category(scope: Scope, pk: int) -> Category:
    """Return a category of a forum the person belongs to, or raise 404."""
    categories = visible_categories(scope).select_related("forum")
    categories = categories.annotate(is_moderator=_flag(Q(forum_id__in=moderated_forum_ids(scope))))
    return first_or_404(categories.filter(pk=pk))


def visible_topics(scope: Scope) -> QuerySet[Topic]:
    """Return the topics the person may open: of their forums, hidden ones for moderators only."""
    if not may_use_forums(scope):
        return Topic.objects.none()
    topics = Topic.objects.filter(establishment_id=scope.establishment_id, forum_id__in=member_forum_ids(scope))
    return topics.filter(Q(is_hidden=False) | Q(forum_id__in=moderated_forum_ids(scope)))


def get_topic(scope: Scope, pk: int) -> Topic:
    """Return a topic the person may open, or raise 404.

    It carries ``is_moderator``, ``is_followed`` and ``last_read`` (None: never opened): what
    the topic's page needs of the person, in the same query.
    """
    read = TopicRead.objects.filter(user_id=scope.user_id, topic_id=OuterRef("pk")).values("last_read_position")[:1]
    followed = Subscription.objects.filter(user_id=scope.user_id, topic_id=OuterRef("pk"))
    topics = visible_topics(scope).select_related("forum", "category", "author")
    topics = topics.annotate(
        is_moderator=_flag(Q(forum_id__in=moderated_forum_ids(scope))),
        is_followed=Exists(followed),
        last_read=Subquery(read),
    )
    return first_or_404(topics.filter(pk=pk))


def get_moderated_topic(scope: Scope, pk: int) -> Topic:
    """Return a topic of a forum the person moderates, or raise 404."""
    return first_or_404(
        visible_topics(scope).filter(pk=pk, forum_id__in=moderated_forum_ids(scope)).select_related("forum")
    )


def visible_replies(scope: Scope) -> QuerySet[Reply]:
    """Return the replies of the topics the person may open (hidden ones are marked, not left out)."""
    return Reply.objects.filter(establishment_id=scope.establishment_id, topic__in=visible_topics(scope))


def get_reply(scope: Scope, pk: int) -> Reply:
    """Return a reply of a topic the person may open, or raise 404."""
    return first_or_404(visible_replies(scope).select_related("topic", "topic__forum").filter(pk=pk))


def get_own_reply(scope: Scope, pk: int) -> Reply:
    """Return one of the person's own replies they may still edit (not hidden), or raise 404."""
    return first_or_404(
        visible_replies(scope).select_related("topic").filter(pk=pk, author_id=scope.user_id, is_hidden=False)
    )


def get_moderated_reply(scope: Scope, pk: int) -> Reply:
    """Return a reply of a forum the person moderates, or raise 404."""
    replies = visible_replies(scope).filter(topic__forum_id__in=moderated_forum_ids(scope))
    return first_or_404(replies.select_related("topic").filter(pk=pk))


def visible_reports(scope: Scope) -> QuerySet[Report]:
    """Return the reports on the replies of the forums the person moderates."""
    if not may_use_forums(scope):
        return Report.objects.none()
    return Report.objects.filter(
        establishment_id=scope.establishment_id, reply__topic__forum_id__in=moderated_forum_ids(scope)
    )


def get_report(scope: Scope, pk: int) -> Report:
    """Return a report the person may handle, or raise 404."""
    return first_or_404(visible_reports(scope).select_related("reply", "reply__topic").filter(pk=pk))


def moderates_any(scope: Scope) -> bool:
    """Tell whether the person moderates at least one forum (they then have a reports queue)."""
    if not may_use_forums(scope):
        return False
    return scope.has(H.MODERATE) or Forum.objects.filter(pk__in=moderated_forum_ids(scope)).exists()


def may_manage(scope: Scope) -> bool:
    """Tell whether the person may create forums and categories."""
    return may_use_forums(scope) and scope.has(H.MANAGE)


def manageable_classes(scope: Scope) -> QuerySet[SchoolClass]:
    """Return the current classes a manager may open a forum for."""
    return visible_school_classes(scope) if may_manage(scope) else SchoolClass.objects.none()


def manageable_groups(scope: Scope) -> QuerySet[TeachingGroup]:
    """Return the current teaching groups a manager may open a forum for."""
    return visible_teaching_groups(scope) if may_manage(scope) else TeachingGroup.objects.none()


def member_ids(forum: Forum) -> QuerySet[Any, Any]:
    """Return the ids of the people who belong to a forum now, as a subquery (for notifications).

    Staff are counted in every forum: they may hold ``forums.moderate``; a notification names a
    topic, and opening it goes through the gate anyway.
    """
    establishment_id = forum.establishment_id
    staff = RoleAssignment.objects.filter(establishment_id=establishment_id, role=Role.STAFF, is_active=True).values(
        "user_id"
    )
    students: QuerySet[Any, Any]
    if forum.kind == Forum.Kind.CLASS:
        students = Enrollment.objects.filter(
            establishment_id=establishment_id, school_class_id=forum.school_class_id
        ).values("student_id")
        teachers = Teaching.objects.filter(
            establishment_id=establishment_id, school_class_id=forum.school_class_id
        ).values("teacher_id")
    elif forum.kind == Forum.Kind.GROUP:
        students = GroupMembership.objects.filter(
            establishment_id=establishment_id, teaching_group_id=forum.teaching_group_id
        ).values("student_id")
        teachers = Teaching.objects.filter(
            establishment_id=establishment_id, teaching_group_id=forum.teaching_group_id
        ).values("teacher_id")
    elif forum.kind == Forum.Kind.COMMUNITY and forum.community is not None:
        return communities_selectors.member_ids(forum.community)
    else:
        return audiences.audience_people(forum).union(staff.order_by())
    return students.order_by().union(teachers.order_by(), staff.order_by())
