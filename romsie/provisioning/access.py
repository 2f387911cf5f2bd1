"""Who reaches the import pages and which runs they see.

* Those who manage the establishment's people (``identity.manage_people``: the head and the
  digital lead by default) import people into the current establishment and see its runs.
* A run of another establishment, or a territory-wide run of the nightly feed, is not found
  (404) from an establishment's pages.
"""

from __future__ import annotations

from django.db.models import QuerySet

from romsie.core.access.lookup import first_or_404
from romsie.core.access.scope import Scope
from romsie.identity.habilitations import IdentityHabilitation

from .models import ImportRun

IMPORT = IdentityHabilitation.MANAGE_PEOPLE


def can_import(scope: Scope) -> bool:
    """Tell whether the scope may import people into its current establishment."""
    return scope.establishment_id is not None and scope.has(IMPORT)


def visible_import_runs(scope: Scope) -> QuerySet[ImportRun]:
    """Return the import runs of the current establishment, for those who import people."""
    if not can_import(scope):
        return ImportRun.objects.none()
    return ImportRun.objects.filter(establishment_id=scope.establishment_id)


def get_import_run(scope: Scope, run_id: int) -> ImportRun:
    """Return one run of the current establishment, or raise 404."""
    runs = visible_import_runs(scope).select_related("created_by", "application", "applied_from")
    return first_or_404(runs.filter(pk=run_id))
