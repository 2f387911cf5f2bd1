"""Activation letters: a class's students and families, or the staff; and the follow-up.

Printing issues fresh codes (earlier unused ones stop working) and records an audit
event; the PDF is never cached.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from romsie.core.access.declarations import requires
from romsie.core.access.scope import ScopedRequest
from romsie.identity.habilitations import IdentityHabilitation

from .. import selectors, services
from ..forms import LettersForm
from .base import pdf_response, posted

PRINT = IdentityHabilitation.PRINT_LETTERS


@requires(PRINT)
def letters(request: ScopedRequest) -> HttpResponse:
    """Choose whose letters to print; a valid choice answers with the PDF."""
    scope = request.scope
    form = LettersForm(posted(request), scope=scope)
    if request.method == "POST" and form.is_valid():
        only_new = form.cleaned_data["only_not_activated"]
        school_class = form.school_class
        if school_class is not None:
            recipients = selectors.class_letter_recipients(
                scope,
                school_class,
                only_not_activated=only_new,
                include_students=form.cleaned_data["include_students"],
                include_guardians=form.cleaned_data["include_guardians"],
            )
            label = school_class.name
        else:
            recipients = selectors.staff_letter_recipients(scope, only_not_activated=only_new)
            label = _("Staff and teachers")
        if recipients:
            pdf = services.activation_letters_print(scope=scope, recipients=recipients, label=label)
            return pdf_response(pdf, form.filename())
        form.add_error(None, _("Nobody to print a letter for: everyone chosen has already activated their account."))
    return render(request, "administration/letters.html", {"form": form})


@requires(PRINT)
def activation_list(request: ScopedRequest) -> HttpResponse:
    """Show, class by class, how many students and guardians have not activated yet."""
    classes = selectors.activation_followup(request.scope)
    return render(request, "administration/activation_list.html", {"classes": classes})


@requires(PRINT)
def activation_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """List who, in a class, has not activated yet, with a button printing just their letters."""
    followup = selectors.class_followup(request.scope, pk)
    return render(request, "administration/activation_detail.html", {"followup": followup})
