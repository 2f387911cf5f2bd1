"""Polls and surveys: the polls for me, answering, results, creating and managing one's own."""

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
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.exports import csv_response, xlsx_response
from romsie.core.forms import show_error

from . import access, forms, selectors, services
from .habilitations import PollsHabilitation as H
from .models import Poll, Question

SERVICE = "polls"


def _nav(request: ScopedRequest) -> dict[str, bool]:
    return {"may_create": request.scope.has(H.CREATE)}


@requires(H.ANSWER, service=SERVICE)
def poll_list(request: ScopedRequest) -> HttpResponse:
    """The polls meant for the person: open ones (answered or not), then closed ones (cached until a
    poll, the person's answers, the classes or their roles change; a minute at most past an opening
    or a deadline)."""
    scope = request.scope

    def render_lists() -> str:
        context = {"lists": selectors.poll_list_for_person(scope)}
        return render_to_string("polls/_poll_list_body.html", context, request)

    body = fragments.cached(request, "polls-list", selectors.reader_stamp(scope), render_lists)
    return render(request, "polls/poll_list.html", {"body": body, **_nav(request)})


@requires(H.CREATE, service=SERVICE)
def poll_mine(request: ScopedRequest) -> HttpResponse:
    """The polls the person created, with their number of responses."""
    context = {"polls": selectors.poll_list_for_author(request.scope), **_nav(request)}
    return render(request, "polls/poll_mine.html", context)


@requires(H.CREATE, service=SERVICE)
def poll_create(request: ScopedRequest) -> HttpResponse:
    """Create a quick poll (published at once) or a survey (its questions come next)."""
    scope = request.scope
    form = forms.PollForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            poll = services.poll_create(
                scope=scope, data=form.poll_data(), audience=form.audience(), choices=form.choice_lines()
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            if poll.is_published:
                messages.success(request, _("Your poll is open: its audience is told."))
                return redirect("polls:poll-manage", poll.pk)
            messages.success(request, _("Survey created: add its questions, then publish it."))
            return redirect("polls:poll-manage", poll.pk)
    context = {
        "form": form,
        "title": _("New poll or survey"),
        "cancel_url": reverse("polls:poll-mine"),
        **_nav(request),
    }
    return render(request, "polls/poll_form.html", context)


@requires(H.CREATE, service=SERVICE)
def poll_update(request: ScopedRequest, pk: int) -> HttpResponse:
    """Change a poll one created; once answered, only its title and deadline."""
    scope = request.scope
    poll = access.get_managed_poll(scope, pk)
    locked = services.has_answers(poll)
    form = forms.PollForm(request.POST or None, scope=scope, poll=poll, locked=locked)
    if request.method == "POST" and form.is_valid():
        try:
            services.poll_update(
                scope=scope,
                poll=poll,
                data=form.poll_data(poll),
                audience=None if locked else form.audience(),
                version=form.shown_version,
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("polls:poll-manage", poll.pk)
    context = {
        "form": form,
        "title": _("Change “%(title)s”") % {"title": poll.title},
        "locked": locked,
        "cancel_url": reverse("polls:poll-manage", args=[poll.pk]),
        **_nav(request),
    }
    return render(request, "polls/poll_form.html", context)


@requires(H.CREATE, service=SERVICE)
def poll_manage(request: ScopedRequest, pk: int) -> HttpResponse:
    """The author's page of a poll: its questions, publication, responses so far, links to results."""
    poll = access.get_managed_poll(request.scope, pk)
    page = selectors.manage_page(poll)
    context = {
        "poll": poll,
        "questions": page.questions,
        "locked": page.locked,
        "responses": page.responses,
        **_nav(request),
    }
    return render(request, "polls/poll_manage.html", context)


@requires(H.CREATE, service=SERVICE)
def question_create(request: ScopedRequest, pk: int) -> HttpResponse:
    """Add a question to a survey one created, before anyone answered."""
    scope = request.scope
    poll = access.get_managed_poll(scope, pk)
    form = forms.QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_add(
                scope=scope,
                poll=poll,
                label=data["label"],
                kind=data["kind"],
                is_required=bool(data.get("is_required")),
                choices=form.choice_lines(),
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Question added."))
            return redirect("polls:poll-manage", poll.pk)
    context = {
        "form": form,
        "poll": poll,
        "title": _("Add a question"),
        "cancel_url": reverse("polls:poll-manage", args=[poll.pk]),
        **_nav(request),
    }
    return render(request, "polls/question_form.html", context)


@require_POST
@requires(H.CREATE, service=SERVICE)
def question_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    """Remove a question of a survey one created, before anyone answered."""
    scope = request.scope
    question: Question = access.get_managed_question(scope, pk)
    try:
        services.question_delete(scope=scope, question=question)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Question removed."))
    return redirect("polls:poll-manage", question.poll_id)


@require_POST
@requires(H.CREATE, service=SERVICE)
def poll_publish(request: ScopedRequest, pk: int) -> HttpResponse:
    """Publish a survey one created: its audience sees it and is told."""
    scope = request.scope
    poll = access.get_managed_poll(scope, pk)
    try:
        services.poll_publish(scope=scope, poll=poll)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Published: its audience is told."))
    return redirect("polls:poll-manage", poll.pk)


@requires(H.ANSWER, service=SERVICE)
def poll_answer(request: ScopedRequest, pk: int) -> HttpResponse:
    """Answer a poll, once, before its deadline; or see that one has answered, and the results if shown."""
    scope = request.scope
    poll = access.get_poll(scope, pk)
    answered = access.has_answered(scope, poll)
    questions = selectors.questions_of(poll)
    form = forms.AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.poll_answer(scope=scope, poll=poll, answers=form.answers())
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Thank you: your answers are saved."))
            if access.can_see_results(scope, poll, answered=True):
                return redirect("polls:poll-results", poll.pk)
            return redirect("polls:poll-answer", poll.pk)
    context = {
        "poll": poll,
        "form": form,
        "answered": answered,
        "is_open": access.is_open(poll),
        "may_answer": access.in_audience(scope, poll),
        "may_see_results": access.can_see_results(scope, poll, answered=answered),
        "is_author": access.is_author(scope, poll),
        **_nav(request),
    }
    return render(request, "polls/poll_answer.html", context)


@requires(H.ANSWER, service=SERVICE)
def poll_results(request: ScopedRequest, pk: int) -> HttpResponse:
    """The results: counts and shares as bars, text answers; names only for the author of a named poll."""
    scope = request.scope
    poll = access.get_results_poll(scope, pk)
    context = {"results": selectors.results(scope, poll), "is_author": access.is_author(scope, poll), **_nav(request)}
    return render(request, "polls/poll_results.html", context)


@requires(H.CREATE, service=SERVICE)
def poll_export(request: ScopedRequest, pk: int) -> HttpResponse:
    """The responses as CSV or XLSX (the author only)."""
    scope = request.scope
    poll: Poll = access.get_managed_poll(scope, pk)
    header, rows = selectors.export_rows(scope, poll)
    name = f"sondage-{poll.pk}"
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"{name}.xlsx", header, rows, title=poll.title)
    return csv_response(f"{name}.csv", header, rows)
