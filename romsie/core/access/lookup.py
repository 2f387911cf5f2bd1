"""The last step of every ``get_<thing>(scope, pk)`` of the apps' access modules."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)
T = TypeVar("T")


def first_or_404(queryset: QuerySet[M]) -> M:
    """Return the first object of an access-filtered queryset, or raise 404.

    The queryset already holds only what the person may see, so "not yours" and "does not
    exist" give the same answer: another establishment's object is a 404.
    """
    found = queryset.first()
    if found is None:
        raise Http404
    return found


def found_or_404(found: T | None) -> T:
    """Return what a gate found, or raise 404 when it found nothing.

    For gates that compute more than a queryset can say (the documents' ``get_node`` returns a
    node with the person's right, or None for absent and forbidden alike).
    """
    if found is None:
        raise Http404
    return found
