"""Writes of the forums: forums and categories, topics and replies, moderation, reports, follows.

Every write is keyword-only, typed and atomic, takes the actor's scope and re-checks what the
person may do (a view already found the object through the gate). Moderation and the handling
of reports are audited (``core.services.audit_record``); notifications go out once the
transaction is committed. A write that changes the lists of forums (a forum, a topic, a reply, a
moderation) bumps the establishment's ``forums`` version once committed, what a person reads bumps
their ``forums-reader`` version, so the cached lists show it at once.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from romsie.communities import access as communities_access
from romsie.communities import selectors as communities_selectors
from romsie.communities.models import Community
from romsie.core import versions
from romsie.core.access.catalogue import effective_habilitations
from romsie.core.access.scope import Scope
from romsie.core.concurrency import claim_version
from romsie.core.errors import ApplicationError
from romsie.core.richtext import clean_rich_text, has_text
from romsie.core.services import audit_record
from romsie.establishments.models import Establishment
from romsie.identity.models import Role, RoleAssignment
from romsie.notifications.services import notify
from romsie.schooling import audiences
from romsie.schooling.audiences import AudienceChoice
from romsie.schooling.models import SchoolClass, Teaching, TeachingGroup

from . import access
from .habilitations import ForumsHabilitation as H
from .models import Category, Forum, Reply, Report, Subscription, Topic, TopicRead

KIND_REPLY = "forums.reply"
KIND_REPORT = "forums.report"
MAX_REASON = 500


def _changed(establishment_id: int | None) -> None:
    """The cached lists of forums of the establishment (their forums, unread markers) show the change at once."""
    transaction.on_commit(lambda: versions.bump(versions.Kind.FORUMS, establishment_id))


def _read(user_id: int | None) -> None:
    """The person's cached list of forums shows what they have just read."""
    transaction.on_commit(lambda: versions.bump(versions.Kind.FORUMS_READER, user_id))


def _require_forums(scope: Scope) -> None:
    if not access.may_use_forums(scope):
        raise ApplicationError(_("Forums are not open to you here."))


# Forums and categories


@transaction.atomic
def forum_create(
    *,
    scope: Scope,
    kind: str,
    title: str,
    description: str = "",
    school_class: SchoolClass | None = None,
    teaching_group: TeachingGroup | None = None,
    audience: AudienceChoice | None = None,
) -> Forum:
    """Create a forum of the establishment, of a class or of a teaching group, with a first category."""
    if not access.may_manage(scope):
        raise ApplicationError(_("You may not create forums."))
    if not title.strip():
        raise ApplicationError(_("Give the forum a title."))
    forum = Forum(establishment_id=scope.establishment_id, kind=kind, created_by_id=scope.user_id)
    forum.title, forum.description = title.strip()[:200], description.strip()[:500]
    if kind == Forum.Kind.CLASS:
        if school_class is None or not access.manageable_classes(scope).filter(pk=school_class.pk).exists():
            raise ApplicationError(_("Choose one of the establishment's classes."))
        if Forum.objects.filter(school_class=school_class).exists():
            raise ApplicationError(_("This class already has a forum."))
        forum.school_class = school_class
    elif kind == Forum.Kind.GROUP:
        if teaching_group is None or not access.manageable_groups(scope).filter(pk=teaching_group.pk).exists():
            raise ApplicationError(_("Choose one of the establishment's teaching groups."))
        if Forum.objects.filter(teaching_group=teaching_group).exists():
            raise ApplicationError(_("This teaching group already has a forum."))
        forum.teaching_group = teaching_group
    elif kind != Forum.Kind.ESTABLISHMENT:
        raise ApplicationError(_("Choose the kind of forum."))
    forum.save()
    if kind == Forum.Kind.ESTABLISHMENT:
        audiences.audience_apply(forum, audience or AudienceChoice())
    Category.objects.create(establishment_id=forum.establishment_id, forum=forum, name=_("General"), position=1)
    audit_record(scope=scope, action="forums.forum_create", target=forum, kind=kind)
    _changed(forum.establishment_id)
    return forum


@transaction.atomic
def community_forum_open(*, scope: Scope, community: Community) -> Forum:
    """Open the forum of a community the person owns or manages (once: its forum if it has one)."""
    if not access.may_use_forums(scope) or not communities_access.is_managing(community):
        raise ApplicationError(_("Only the community's owners and managers open its forum."))
    existing = Forum.objects.filter(community_id=community.pk).first()
    if existing is not None:
        return existing
    forum = Forum(
        establishment_id=community.establishment_id,
        kind=Forum.Kind.COMMUNITY,
        community=community,
        title=community.name[:200],
        created_by_id=scope.user_id,
    )
    try:
        with transaction.atomic():  # a savepoint: two managers opening it at once make one forum
            forum.save(force_insert=True)
    except IntegrityError:
        return Forum.objects.get(community_id=community.pk)
    Category.objects.create(establishment_id=forum.establishment_id, forum=forum, name=_("General"), position=1)
    audit_record(scope=scope, action="forums.forum_create", target=forum, kind=Forum.Kind.COMMUNITY)
    _changed(forum.establishment_id)
    return forum


@transaction.atomic
def category_create(*, scope: Scope, forum: Forum, name: str, description: str = "") -> Category:
    """Add a category at the end of a forum's categories."""
    if not access.may_manage(scope):
        raise ApplicationError(_("You may not add categories."))
    if not name.strip():
        raise ApplicationError(_("Give the category a name."))
    last = Category.objects.filter(forum=forum).order_by("-position").values_list("position", flat=True).first()
    return Category.objects.create(
        establishment_id=forum.establishment_id,
        forum=forum,
        name=name.strip()[:120],
        description=description.strip()[:300],
        position=(last or 0) + 1,
    )


# Topics and replies


def _body(text: str) -> str:
    body = clean_rich_text(text)
    if not has_text(body):
        raise ApplicationError(_("Write a message."))
    return body


@transaction.atomic
def topic_create(*, scope: Scope, category: Category, title: str, body: str) -> Topic:
    """Open a topic in a category of a forum one belongs to; its author follows it."""
    _require_forums(scope)
    if not title.strip():
        raise ApplicationError(_("Give the topic a title."))
    text = _body(body)
    now = timezone.now()
    topic = Topic.objects.create(
        establishment_id=category.establishment_id,
        forum_id=category.forum_id,
        category=category,
        title=title.strip()[:200],
        author_id=scope.user_id,
        created_at=now,
        last_reply_at=now,
        reply_count=1,
    )
    Reply.objects.create(
        establishment_id=topic.establishment_id,
        topic=topic,
        position=1,
        author_id=scope.user_id,
        body=text,
        created_at=now,
    )
    Subscription.objects.create(establishment_id=topic.establishment_id, user_id=scope.user_id, topic=topic)
    TopicRead.objects.create(
        establishment_id=topic.establishment_id, user_id=scope.user_id, topic=topic, last_read_position=1
    )
    _changed(topic.establishment_id)
    _read(scope.user_id)
    return topic


@transaction.atomic
def reply_create(*, scope: Scope, topic: Topic, body: str) -> Reply:
    """Reply in a topic: refused when it is locked or hidden; its followers are notified.

    The topic's row is locked while the reply takes the next position, so two replies at once
    never share a position.
    """
    _require_forums(scope)
    text = _body(body)
    locked = Topic.objects.select_for_update().filter(pk=topic.pk).first()
    if locked is None or locked.is_hidden:
        raise ApplicationError(_("This topic is no longer open."))
    if locked.is_locked:
        raise ApplicationError(_("This topic is locked: nobody may reply any more."), extra={"reason": "locked"})
    now = timezone.now()
    position = locked.reply_count + 1
    Topic.objects.filter(pk=topic.pk).update(reply_count=position, last_reply_at=now)
    reply = Reply.objects.create(
        establishment_id=topic.establishment_id,
        topic_id=topic.pk,
        position=position,
        author_id=scope.user_id,
        body=text,
        created_at=now,
    )
    Subscription.objects.get_or_create(
        establishment_id=topic.establishment_id, user_id=scope.user_id, topic_id=topic.pk
    )
    TopicRead.objects.update_or_create(
        user_id=scope.user_id,
        topic_id=topic.pk,
        defaults={"last_read_position": position},
        create_defaults={"establishment_id": topic.establishment_id, "last_read_position": position},
    )
    followers = Subscription.objects.filter(topic_id=topic.pk).exclude(user_id=scope.user_id)
    forum = Forum.objects.get(pk=locked.forum_id)
    recipients = followers.filter(user_id__in=access.member_ids(forum)).values_list("user_id", flat=True)
    people = list(recipients)
    params = {"title": locked.title}
    url = reverse("forums:topic-detail", args=[topic.pk]) + f"?page={page_of(position)}#reply-{position}"
    establishment_id, actor_id = topic.establishment_id, scope.user_id
    transaction.on_commit(
        lambda: notify(KIND_REPLY, people, params=params, url=url, establishment_id=establishment_id, actor_id=actor_id)
    )
    topic.reply_count, topic.last_reply_at = position, now
    _changed(topic.establishment_id)
    return reply


PAGE_SIZE = 50


def page_of(position: int) -> int:
    """The page of a topic where the reply at ``position`` shows."""
    return (max(position, 1) - 1) // PAGE_SIZE + 1


@transaction.atomic
def reply_update(*, scope: Scope, reply: Reply, body: str, version: int | None) -> Reply:
    """Change one's own reply; a stale ``version`` is refused (``StaleEdit``), a locked topic too."""
    _require_forums(scope)
    if reply.author_id != scope.user_id or reply.is_hidden:
        raise ApplicationError(_("You may only change your own messages."))
    if Topic.objects.filter(pk=reply.topic_id, is_locked=True).exists():
        raise ApplicationError(_("This topic is locked: its messages may not be changed."))
    text = _body(body)
    claim_version(reply, version)
    reply.body, reply.edited_at = text, timezone.now()
    reply.save(update_fields=["body", "edited_at", "version"])
    return reply


def topic_mark_read(*, scope: Scope, topic: Topic, position: int, read_before: int | None) -> None:
    """Remember that the person read the topic up to ``position`` (never backwards).

    ``read_before`` is what the page found (None: never read), so that reading costs one write,
    and none when nothing new was read. Each write is one statement (atomic by itself), so no
    transaction is opened: a page read again costs no query here. A read bumps the person's
    ``forums-reader`` version: their list of forums drops the "new replies" marker at once.
    """
    if scope.user_id is None or (read_before is not None and read_before >= position):
        return
    if read_before is None:
        TopicRead.objects.bulk_create(
            [
                TopicRead(
                    establishment_id=topic.establishment_id,
                    user_id=scope.user_id,
                    topic_id=topic.pk,
                    last_read_position=position,
                )
            ],
            ignore_conflicts=True,
        )
    else:
        TopicRead.objects.filter(user_id=scope.user_id, topic_id=topic.pk, last_read_position__lt=position).update(
            last_read_position=position
        )
    versions.bump(versions.Kind.FORUMS_READER, scope.user_id)


@transaction.atomic
def subscription_set(*, scope: Scope, topic: Topic, follow: bool) -> None:
    """Follow a topic (be told of each new reply) or stop following it."""
    _require_forums(scope)
    if follow:
        Subscription.objects.get_or_create(establishment_id=topic.establishment_id, user_id=scope.user_id, topic=topic)
    else:
        Subscription.objects.filter(user_id=scope.user_id, topic=topic).delete()


# Moderation

TOPIC_ACTIONS = {
    "hide": ("is_hidden", True),
    "unhide": ("is_hidden", False),
    "lock": ("is_locked", True),
    "unlock": ("is_locked", False),
    "pin": ("is_pinned", True),
    "unpin": ("is_pinned", False),
}


@transaction.atomic
def topic_moderate(*, scope: Scope, topic: Topic, action: str) -> Topic:
    """Hide or show, lock or unlock, pin or unpin a topic of a forum one moderates (audited)."""
    if action not in TOPIC_ACTIONS:
        raise ApplicationError(_("Choose what to do with the topic."))
    if not access.moderates(scope, topic.forum_id):
        raise ApplicationError(_("You do not moderate this forum."))
    field, value = TOPIC_ACTIONS[action]
    Topic.objects.filter(pk=topic.pk).update(**{field: value})
    setattr(topic, field, value)
    audit_record(scope=scope, action=f"forums.topic_{action}", target=topic, topic=topic.pk, forum=topic.forum_id)
    _changed(topic.establishment_id)
    return topic


@transaction.atomic
def topic_move(*, scope: Scope, topic: Topic, category: Category) -> Topic:
    """Move a topic to another category of the same forum (audited)."""
    if not access.moderates(scope, topic.forum_id):
        raise ApplicationError(_("You do not moderate this forum."))
    if category.forum_id != topic.forum_id:
        raise ApplicationError(_("A topic moves only to another category of its forum."))
    before = topic.category_id
    Topic.objects.filter(pk=topic.pk).update(category=category)
    topic.category = category
    audit_record(
        scope=scope,
        action="forums.topic_move",
        target=topic,
        topic=topic.pk,
        from_category=before,
        to_category=category.pk,
    )
    _changed(topic.establishment_id)
    return topic


@transaction.atomic
def reply_moderate(*, scope: Scope, reply: Reply, hide: bool) -> Reply:
    """Hide a reply from everyone but the moderators, or show it again (audited)."""
    forum_id = Topic.objects.filter(pk=reply.topic_id).values_list("forum_id", flat=True).first()
    if forum_id is None or not access.moderates(scope, forum_id):
        raise ApplicationError(_("You do not moderate this forum."))
    Reply.objects.filter(pk=reply.pk).update(is_hidden=hide)
    reply.is_hidden = hide
    audit_record(
        scope=scope,
        action="forums.reply_hide" if hide else "forums.reply_unhide",
        target=reply,
        reply=reply.pk,
        topic=reply.topic_id,
    )
    _changed(reply.establishment_id)
    return reply


# Reports


def moderator_ids(forum: Forum) -> list[int]:
    """The people who moderate a forum: holders of ``forums.moderate`` and, for a class's or a
    group's forum, its teachers; for a community's forum, the community's owners and managers."""
    if forum.kind == Forum.Kind.COMMUNITY:  # a community's forum: its owners and managers, nobody else
        return sorted(communities_selectors.manager_ids(forum.community_id or 0))
    establishment = Establishment.objects.select_related("territory").get(pk=forum.establishment_id)
    overrides = establishment.habilitation_overrides or {}
    ceiling = establishment.territory.habilitation_ceiling or None
    functions = [
        profile.removeprefix("staff.")
        for profile in {a.profile for a in RoleAssignment.objects.filter(establishment=establishment, is_active=True)}
        if H.MODERATE in effective_habilitations([profile], overrides, ceiling)
    ]
    holders = RoleAssignment.objects.filter(
        establishment=establishment, is_active=True, role=Role.STAFF, function__in=functions
    )
    people = set(holders.values_list("user_id", flat=True))
    if forum.kind in (Forum.Kind.CLASS, Forum.Kind.GROUP):
        people |= set(
            Teaching.objects.filter(
                establishment_id=forum.establishment_id,
                school_class_id=forum.school_class_id,
                teaching_group_id=forum.teaching_group_id,
            ).values_list("teacher_id", flat=True)
        )
    return sorted(people)


@transaction.atomic
def report_create(*, scope: Scope, reply: Reply, reason: str) -> Report:
    """Report a reply to the moderators with a reason; they are notified (audited)."""
    _require_forums(scope)
    reason = reason.strip()[:MAX_REASON]
    if not reason:
        raise ApplicationError(_("Say why you report this message."))
    if Report.objects.filter(reply=reply, reporter_id=scope.user_id, resolved_at__isnull=True).exists():
        raise ApplicationError(_("You already reported this message; the moderators will look at it."))
    report = Report.objects.create(
        establishment_id=reply.establishment_id,
        reply=reply,
        reporter_id=scope.user_id,
        reason=reason,
        created_at=timezone.now(),
    )
    audit_record(scope=scope, action="forums.report", target=reply, reply=reply.pk, report=report.pk)
    topic = Topic.objects.select_related("forum").get(pk=reply.topic_id)
    people = moderator_ids(topic.forum)
    params = {"title": topic.title}
    url = reverse("forums:report-list")
    establishment_id, actor_id = reply.establishment_id, scope.user_id
    transaction.on_commit(
        lambda: notify(
            KIND_REPORT, people, params=params, url=url, establishment_id=establishment_id, actor_id=actor_id
        )
    )
    return report


@transaction.atomic
def report_resolve(*, scope: Scope, report: Report, hide_reply: bool = False) -> Report:
    """Close a report (and hide the reply if asked) — audited."""
    locked = Report.objects.select_for_update().filter(pk=report.pk).first()
    if locked is None or locked.resolved_at is not None:
        raise ApplicationError(_("This report is already handled."))
    if not access.visible_reports(scope).filter(pk=report.pk).exists():
        raise ApplicationError(_("You do not moderate this forum."))
    if hide_reply:
        reply_moderate(scope=scope, reply=report.reply, hide=True)
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(resolved_at=now, resolved_by_id=scope.user_id)
    report.resolved_at, report.resolved_by_id = now, scope.user_id
    audit_record(
        scope=scope, action="forums.report_resolve", target=report.reply, report=report.pk, reply_hidden=hide_reply
    )
    return report
