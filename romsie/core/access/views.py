"""Scoped base views: querysets always come from an app's access gate.

Subclasses set ``visible`` to an access function ``(scope) -> QuerySet`` and declare their
habilitation with :func:`romsie.core.access.declarations.requires`. Single objects are
fetched from that queryset, so an object outside the scope is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import models, transaction
from django.forms import BaseModelForm
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic

from .scope import Scope, ScopedRequest


class ScopedMixin:
    """Give the view its scope and a queryset taken from the access gate."""

    visible: Callable[[Scope], models.QuerySet[Any]]
    request: ScopedRequest

    @property
    def scope(self) -> Scope:
        return self.request.scope

    def get_queryset(self) -> models.QuerySet[Any]:
        return type(self).visible(self.scope)


class ScopedListView(ScopedMixin, generic.ListView):  # type: ignore[type-arg]
    paginate_by = 50
    template_name = "core/object_list.html"
    columns: tuple[tuple[str, Any], ...] = ()
    title: Any = ""
    create_url_name = ""
    update_url_name = ""
    delete_url_name = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            columns=self.columns,
            create_url=reverse(self.create_url_name) if self.create_url_name else "",
            update_url_name=self.update_url_name,
            delete_url_name=self.delete_url_name,
        )
        return context


class ScopedFormMixin(ScopedMixin):
    """Save inside a transaction, stamping the current establishment on new rows."""

    template_name = "core/object_form.html"
    success_url_name = ""
    title: Any = ""

    def get_success_url(self) -> str:
        return reverse(self.success_url_name)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["scope"] = self.scope
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(title=self.title, cancel_url=self.get_success_url())
        return context

    def form_valid(self, form: BaseModelForm[Any]) -> HttpResponse:
        with transaction.atomic():
            if form.instance.pk is None and hasattr(form.instance, "establishment_id"):
                form.instance.establishment_id = self.scope.establishment_id
            self.object = form.save()
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(self.get_success_url())


class ScopedCreateView(ScopedFormMixin, generic.CreateView):  # type: ignore[type-arg]
    pass


class ScopedUpdateView(ScopedFormMixin, generic.UpdateView):  # type: ignore[type-arg]
    pass


class ScopedDeleteView(ScopedMixin, generic.DeleteView):  # type: ignore[type-arg]
    template_name = "core/object_confirm_delete.html"
    success_url_name = ""

    def get_success_url(self) -> str:
        return reverse(self.success_url_name)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["cancel_url"] = self.get_success_url()
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Deleted."))
        return super().form_valid(form)
