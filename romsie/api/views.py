"""The person's personal access tokens for the family API: create (shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core.access.declarations import signed_in
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error

from . import selectors, services
from .forms import SCOPE_LABELS, PersonalTokenForm


@signed_in
def token_list(request: ScopedRequest) -> HttpResponse:
    """The person's personal tokens: create one (its secret shown once), list them, revoke one."""
    scope = request.scope
    secret = None
    form = PersonalTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.personal_token_create(
                scope=scope,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                lifetime_days=form.cleaned_data["lifetime_days"],
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Token “%(name)s” created.") % {"name": form.cleaned_data["name"]})
            form = PersonalTokenForm()
    labels = {str(k): v for k, v in SCOPE_LABELS.items()}
    tokens = [
        (issued, [labels.get(s, s) for s in issued.access_token.scope.split()])
        for issued in selectors.personal_tokens(scope)
    ]
    return render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "secret": secret,
            "tokens": tokens,
            "api_url": request.build_absolute_uri("/api/v1/"),
            "docs_url": reverse("api-v1:openapi-view"),
        },
    )


@signed_in
@require_POST
def token_revoke(request: ScopedRequest, pk: int) -> HttpResponse:
    """Revoke one of the person's personal tokens."""
    try:
        services.personal_token_revoke(scope=request.scope, pk=pk)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The token is revoked: programs using it no longer have access."))
    return redirect("api:token-list")
