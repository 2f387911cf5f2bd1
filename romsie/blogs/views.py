"""Blog pages: the blogs one reads, a blog, a post and its comments, writing, validation, settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core import fragments
from romsie.core.access.declarations import requires
from romsie.core.access.middleware import forbidden
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error

from . import access, selectors, services
from .forms import BlogForm, CommentForm, PostForm, RefuseForm
from .habilitations import BlogHabilitation
from .models import Blog, Post

SERVICE = "blogs"


@requires(BlogHabilitation.READ, service=SERVICE)
def blog_list(request: ScopedRequest) -> HttpResponse:
    """List the blogs the person reads, with a link to create one where they may (the list is
    cached until a blog, its readers or its posts, the classes or the person's roles change)."""
    scope = request.scope

    def render_list() -> str:
        context = {"blogs": list(selectors.blog_list_for_reader(scope))}
        return render_to_string("blogs/_blog_list_body.html", context, request)

    body = fragments.cached(request, "blogs-list", selectors.reader_stamp(scope), render_list)
    return render(request, "blogs/blog_list.html", {"body": body, "can_create": bool(access.creatable_kinds(scope))})


@requires(BlogHabilitation.READ, service=SERVICE)
def blog_create(request: ScopedRequest) -> HttpResponse:
    """Create a class, project or establishment blog."""
    scope = request.scope
    if not access.creatable_kinds(scope):
        return forbidden(request)
    if request.method == "POST":
        form = BlogForm(request.POST, scope=scope, query=request.POST.get("q", ""))
        if "picker_search" not in request.POST and form.is_valid():
            try:
                blog = services.blog_create(
                    scope=scope,
                    kind=form.cleaned_data["kind"],
                    data=form.blog_data(),
                    school_class_id=form.cleaned_data.get("school_class"),
                )
            except ApplicationError as error:
                show_error(request, error, form)
            else:
                messages.success(request, _("Blog created."))
                return redirect("blogs:blog-detail", blog.pk)
    else:
        form = BlogForm(scope=scope)
    return render(request, "blogs/blog_form.html", {"form": form, "title": _("Create a blog"), "blog": None})


@requires(BlogHabilitation.READ, service=SERVICE)
def blog_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """Show a blog's published posts, newest first, a page at a time (keyset)."""
    scope = request.scope
    blog = access.get_blog(scope, pk)
    page = selectors.blog_posts(scope, blog, cursor=request.GET.get("apres", ""))
    can_write = access.can_write_post(scope, blog)
    context = {
        "blog": blog,
        "page": page,
        "can_write": can_write,
        "is_moderator": access.is_moderator(scope, blog),
        "mine": selectors.my_unpublished_posts(scope, blog) if can_write else [],
    }
    return render(request, "blogs/blog_detail.html", context)


@requires(BlogHabilitation.READ, service=SERVICE)
def blog_settings(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change a blog's settings: who writes, validation, comments, readers, authors (moderators)."""
    scope = request.scope
    blog = access.get_moderated_blog(scope, pk)
    if request.method == "POST":
        form = BlogForm(request.POST, scope=scope, blog=blog, query=request.POST.get("q", ""))
        if "picker_search" not in request.POST and form.is_valid():
            try:
                services.blog_update(scope=scope, blog=blog, data=form.blog_data(), version=form.shown_version)
            except ApplicationError as error:
                show_error(request, error, form)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("blogs:blog-detail", blog.pk)
    else:
        form = BlogForm(scope=scope, blog=blog)
    title = _("Settings of “%(title)s”") % {"title": blog.title}
    return render(request, "blogs/blog_form.html", {"form": form, "title": title, "blog": blog})


def _save_post(request: ScopedRequest, blog: Blog, post: Post | None) -> HttpResponse:
    scope = request.scope
    if request.method == "POST":
        form = PostForm(request.POST, scope=scope, post=post)
        if form.is_valid():
            submit = request.POST.get("action") != "draft"
            try:
                saved = services.post_save(
                    scope=scope, blog=blog, data=form.post_data(), submit=submit, post=post, version=form.shown_version
                )
            except ApplicationError as error:
                show_error(request, error, form)
            else:
                if saved.status == Post.Status.PUBLISHED:
                    messages.success(request, _("Published."))
                elif saved.status == Post.Status.PENDING:
                    messages.success(request, _("Sent: your post will be published once validated."))
                else:
                    messages.success(request, _("Draft saved: nobody else sees it."))
                return redirect("blogs:post-detail", saved.pk)
    else:
        form = PostForm(scope=scope, post=post)
    context = {
        "form": form,
        "blog": blog,
        "post": post,
        "needs_validation": access.needs_validation(scope, blog),
        "title": _("Edit “%(title)s”") % {"title": post.title} if post else _("Write a post"),
    }
    return render(request, "blogs/post_form.html", context)


@requires(BlogHabilitation.READ, service=SERVICE)
def post_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """Write a post on a blog one may write on."""
    blog = access.get_writable_blog(request.scope, pk)
    return _save_post(request, blog, None)


@requires(BlogHabilitation.READ, service=SERVICE)
def post_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Edit one's own post (or, for a moderator, any post of the blog)."""
    post = access.get_editable_post(request.scope, pk)
    return _save_post(request, post.blog, post)


@requires(BlogHabilitation.READ, service=SERVICE)
def post_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """Show a post with its comments and linked documents; the comment form where allowed."""
    scope = request.scope
    page = selectors.post_page(scope, pk, documents_on="documents" in scope.services)
    context = {"page": page, "post": page.post, "blog": page.post.blog, "comment_form": CommentForm()}
    return render(request, "blogs/post_detail.html", context)


@requires(BlogHabilitation.READ, service=SERVICE)
def post_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Delete one's own post (or, for a moderator, any post of the blog), after confirming."""
    scope = request.scope
    post = access.get_editable_post(scope, pk)
    if request.method == "POST":
        blog_id = post.blog_id
        services.post_delete(scope=scope, post=post)
        messages.success(request, _("Deleted."))
        return redirect("blogs:blog-detail", blog_id)
    context = {"object": post, "cancel_url": reverse("blogs:post-detail", args=[pk])}
    return render(request, "core/object_confirm_delete.html", context)


@requires(BlogHabilitation.READ, service=SERVICE)
def blog_queue(request: ScopedRequest, pk: int) -> HttpResponse:
    """The moderators' queue: posts waiting for validation and comments waiting for moderation."""
    scope = request.scope
    blog = access.get_moderated_blog(scope, pk)
    return render(request, "blogs/blog_queue.html", {"blog": blog, "queue": selectors.moderation_queue(scope, blog)})


@require_POST
@requires(BlogHabilitation.READ, service=SERVICE)
def post_validate(request: ScopedRequest, pk: int) -> HttpResponse:
    """Publish a post waiting for validation; its author is told."""
    scope = request.scope
    post = access.get_moderated_post(scope, pk)
    try:
        services.post_validate(scope=scope, post=post)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("“%(title)s” is published.") % {"title": post.title})
    return redirect("blogs:blog-queue", post.blog_id)


@requires(BlogHabilitation.READ, service=SERVICE)
def post_refuse(request: ScopedRequest, pk: int) -> HttpResponse:
    """Refuse a post waiting for validation, with a reason its author reads."""
    scope = request.scope
    post = access.get_moderated_post(scope, pk)
    if request.method == "POST":
        form = RefuseForm(request.POST)
        if form.is_valid():
            try:
                services.post_refuse(scope=scope, post=post, reason=form.cleaned_data["reason"])
            except ApplicationError as error:
                show_error(request, error, form)
            else:
                messages.success(request, _("Refused: its author is told why."))
                return redirect("blogs:blog-queue", post.blog_id)
    else:
        form = RefuseForm()
    return render(request, "blogs/post_refuse.html", {"form": form, "post": post, "blog": post.blog})


@require_POST
@requires(BlogHabilitation.READ, service=SERVICE)
def comment_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """Comment on a post one reads, where comments are open to the person."""
    scope = request.scope
    post = access.get_post(scope, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The comment is empty."))
        return redirect("blogs:post-detail", pk)
    try:
        comment = services.comment_add(
            scope=scope, post=post, body=form.cleaned_data["body"], moderator=access.is_moderator(scope, post.blog)
        )
    except ApplicationError as error:
        show_error(request, error)
    else:
        if comment.status == comment.Status.PENDING:
            messages.success(request, _("Thank you: your comment will show once approved."))
        else:
            messages.success(request, _("Comment published."))
    return redirect("blogs:post-detail", pk)


def _moderate(request: ScopedRequest, pk: int, *, approve: bool) -> HttpResponse:
    scope = request.scope
    comment = access.get_moderated_comment(scope, pk)
    services.comment_moderate(scope=scope, comment=comment, approve=approve)
    messages.success(request, _("Comment approved.") if approve else _("Comment hidden."))
    if request.POST.get("from") == "queue":
        return redirect("blogs:blog-queue", comment.post.blog_id)
    return redirect("blogs:post-detail", comment.post_id)


@require_POST
@requires(BlogHabilitation.READ, service=SERVICE)
def comment_approve(request: ScopedRequest, pk: int) -> HttpResponse:
    """Show a comment waiting for moderation (a moderator; audited)."""
    return _moderate(request, pk, approve=True)


@require_POST
@requires(BlogHabilitation.READ, service=SERVICE)
def comment_hide(request: ScopedRequest, pk: int) -> HttpResponse:
    """Hide a comment (a moderator; audited)."""
    return _moderate(request, pk, approve=False)


@require_POST
@requires(BlogHabilitation.READ, service=SERVICE)
def post_like(request: ScopedRequest, pk: int) -> HttpResponse:
    """Like a post, or take the like back, where reactions are allowed."""
    scope = request.scope
    post = access.get_post(scope, pk)
    try:
        services.post_like_toggle(scope=scope, post=post)
    except ApplicationError as error:
        show_error(request, error)
    return redirect("blogs:post-detail", pk)
