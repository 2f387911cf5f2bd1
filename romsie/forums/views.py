"""The forums' pages: my forums, a forum, a category, a topic, the forms, moderation, reports."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.communities import access as communities_access
from romsie.core import fragments
from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error

from . import access, forms, selectors, services
from .habilitations import ForumsHabilitation as H
from .models import Topic

SERVICE = "forums"


def _topic_url(topic: Topic, position: int | None = None) -> str:
    url = reverse("forums:topic-detail", args=[topic.pk])
    if position is None:
        return url
    return f"{url}?page={services.page_of(position)}#reply-{position}"


@requires(H.READ, service=SERVICE)
def forum_list(request: ScopedRequest) -> HttpResponse:
    """The person's forums, with a marker on those with unread replies (cached until a forum, a
    topic, what the person read, their communities, classes, roles or social switches change)."""
    scope = request.scope

    def render_list() -> str:
        context = {
            "forums": selectors.my_forums(scope),
            "is_open": access.may_use_forums(scope),
            "may_manage": access.may_manage(scope),
            "moderates": access.moderates_any(scope),
        }
        return render_to_string("forums/_forum_list_body.html", context, request)

    body = fragments.cached(request, "forums-list", selectors.forum_list_stamp(scope), render_list)
    return render(request, "forums/forum_list.html", {"body": body})


@requires(H.READ, service=SERVICE)
def community_forum(request: ScopedRequest, pk: int) -> HttpResponse:
    """A community's forum: its page once opened; until then, its owners and managers open it here."""
    scope = request.scope
    community = communities_access.get_community(scope, pk)
    if not access.may_use_forums(scope):
        raise Http404
    forum = selectors.community_forum(scope, community)
    if forum is not None:
        return redirect("forums:forum-detail", forum.pk)
    may_open = communities_access.is_managing(community)
    if request.method == "POST" and may_open:
        try:
            forum = services.community_forum_open(scope=scope, community=community)
        except ApplicationError as error:
            show_error(request, error)
        else:
            messages.success(request, _("The community's forum is open."))
            return redirect("forums:forum-detail", forum.pk)
    return render(request, "forums/community_forum.html", {"community": community, "may_open": may_open})


@requires(H.MANAGE, service=SERVICE)
def forum_create(request: ScopedRequest) -> HttpResponse:
    """Create the establishment's forum (for an audience), or a class's or a teaching group's."""
    scope = request.scope
    if not access.may_manage(scope):
        raise Http404
    form = forms.ForumForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            forum = services.forum_create(
                scope=scope,
                kind=data["kind"],
                title=data["title"],
                description=data.get("description") or "",
                school_class=data.get("school_class"),
                teaching_group=data.get("teaching_group"),
                audience=form.audience(),
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The forum is open."))
            return redirect("forums:forum-detail", forum.pk)
    return render(request, "forums/forum_form.html", {"form": form})


@requires(H.READ, service=SERVICE)
def forum_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """A forum: its categories in order, each with its latest topics and their unread markers."""
    scope = request.scope
    forum = access.get_forum(scope, pk)
    context = {
        "forum": forum,
        "rows": selectors.forum_overview(scope, forum),
        "may_manage": access.may_manage(scope),
    }
    return render(request, "forums/forum_detail.html", context)


@requires(H.MANAGE, service=SERVICE)
def category_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """Add a category to a forum."""
    scope = request.scope
    forum = access.get_forum(scope, pk)
    form = forms.CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_create(
                scope=scope, forum=forum, name=form.cleaned_data["name"], description=form.cleaned_data["description"]
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The category is added."))
            return redirect("forums:forum-detail", forum.pk)
    return render(request, "forums/category_form.html", {"form": form, "forum": forum})


@requires(H.READ, service=SERVICE)
def category_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """A category's topics: pinned first, then by latest reply, paged."""
    scope = request.scope
    category = access.get_category(scope, pk)
    listing = selectors.category_topics(scope, category, cursor=request.GET.get("apres", ""))
    return render(request, "forums/category_detail.html", {"category": category, "listing": listing})


@requires(H.READ, service=SERVICE)
def topic_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """Open a topic in a category."""
    scope = request.scope
    category = access.get_category(scope, pk)
    form = forms.TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(
                scope=scope, category=category, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Your topic is open."))
            return redirect("forums:topic-detail", topic.pk)
    return render(request, "forums/topic_form.html", {"form": form, "category": category})


@requires(H.READ, service=SERVICE)
def topic_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """A topic: one page of its replies (hidden ones shown as such but to moderators), a reply form."""
    scope = request.scope
    topic = access.get_topic(scope, pk)
    page = selectors.topic_page(topic, selectors.parse_page(request.GET.get("page")))
    last_read = topic.last_read  # type: ignore[attr-defined]
    if page.replies:
        services.topic_mark_read(scope=scope, topic=topic, position=page.replies[-1].position, read_before=last_read)
    context = {
        "topic": topic,
        "page": page,
        "last_read": last_read or 0,
        "form": forms.ReplyForm() if not topic.is_locked else None,
    }
    return render(request, "forums/topic_detail.html", context)


@requires(H.READ, service=SERVICE)
def topic_reply(request: ScopedRequest, pk: int) -> HttpResponse:
    """Reply in a topic (refused, with nothing saved, when it is locked)."""
    scope = request.scope
    topic = access.get_topic(scope, pk)
    form = forms.ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reply = services.reply_create(scope=scope, topic=topic, body=form.cleaned_data["body"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Your reply is posted."))
            return redirect(_topic_url(topic, reply.position))
    return render(request, "forums/reply_form.html", {"form": form, "topic": topic, "reply": None})


@requires(H.READ, service=SERVICE)
def reply_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change one's own reply (a stale save is refused, showing the other version)."""
    scope = request.scope
    reply = access.get_own_reply(scope, pk)
    form = forms.ReplyForm(request.POST or None, reply=reply)
    if request.method == "POST" and form.is_valid():
        try:
            services.reply_update(scope=scope, reply=reply, body=form.cleaned_data["body"], version=form.shown_version)
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Your message is saved."))
            return redirect(_topic_url(reply.topic, reply.position))
    return render(request, "forums/reply_form.html", {"form": form, "topic": reply.topic, "reply": reply})


@require_POST
@requires(H.READ, service=SERVICE)
def topic_follow(request: ScopedRequest, pk: int) -> HttpResponse:
    """Follow a topic, or stop following it."""
    scope = request.scope
    topic = access.get_topic(scope, pk)
    follow = request.POST.get("follow") == "1"
    try:
        services.subscription_set(scope=scope, topic=topic, follow=follow)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("You follow this topic.") if follow else _("You no longer follow this topic."))
    return redirect("forums:topic-detail", topic.pk)


@require_POST
@requires(H.READ, service=SERVICE)
def topic_moderate(request: ScopedRequest, pk: int) -> HttpResponse:
    """Hide or show, lock or unlock, pin or unpin a topic (moderators)."""
    scope = request.scope
    topic = access.get_moderated_topic(scope, pk)
    try:
        services.topic_moderate(scope=scope, topic=topic, action=request.POST.get("action", ""))
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The topic is updated."))
    return redirect("forums:topic-detail", topic.pk)


@requires(H.READ, service=SERVICE)
def topic_move(request: ScopedRequest, pk: int) -> HttpResponse:
    """Move a topic to another category of its forum (moderators)."""
    scope = request.scope
    topic = access.get_moderated_topic(scope, pk)
    form = forms.MoveForm(request.POST or None, categories=selectors.forum_categories(topic.forum))
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_move(scope=scope, topic=topic, category=form.cleaned_data["category"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("The topic is moved."))
            return redirect("forums:topic-detail", topic.pk)
    return render(request, "forums/topic_move.html", {"form": form, "topic": topic})


@requires(H.READ, service=SERVICE)
def reply_report(request: ScopedRequest, pk: int) -> HttpResponse:
    """Report a message to the moderators, with a reason."""
    scope = request.scope
    reply = access.get_reply(scope, pk)
    form = forms.ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(scope=scope, reply=reply, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Thank you: the moderators will look at this message."))
            return redirect(_topic_url(reply.topic, reply.position))
    return render(request, "forums/reply_report.html", {"form": form, "reply": reply})


@require_POST
@requires(H.READ, service=SERVICE)
def reply_moderate(request: ScopedRequest, pk: int) -> HttpResponse:
    """Hide a message from everyone but the moderators, or show it again."""
    scope = request.scope
    reply = access.get_moderated_reply(scope, pk)
    try:
        services.reply_moderate(scope=scope, reply=reply, hide=request.POST.get("action") == "hide")
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The message is updated."))
    return redirect(_topic_url(reply.topic, reply.position))


@requires(H.READ, service=SERVICE)
def report_list(request: ScopedRequest) -> HttpResponse:
    """The open reports of the forums one moderates."""
    scope = request.scope
    if not access.moderates_any(scope):
        raise Http404
    return render(request, "forums/report_list.html", {"reports": selectors.report_queue(scope)})


@require_POST
@requires(H.READ, service=SERVICE)
def report_resolve(request: ScopedRequest, pk: int) -> HttpResponse:
    """Close a report, hiding the message if asked."""
    scope = request.scope
    report = access.get_report(scope, pk)
    try:
        services.report_resolve(scope=scope, report=report, hide_reply=request.POST.get("hide") == "1")
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The report is handled."))
    return redirect("forums:report-list")
