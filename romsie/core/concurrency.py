"""Edits of shared data that refuse a stale save instead of silently overwriting it.

Two heads open the same news item; the first saves; the second's save would overwrite the
first's work without either knowing. Every edit form of shared data therefore follows one
idiom (docs/decisions/0005-stale-edits.md):

1. The model carries ``version = VersionField()``, grown by one at every edit made through a form.
2. The form inherits :class:`romsie.core.forms.VersionedForm`: a hidden ``version`` field
   posts the version the form showed.
3. The service, inside its transaction and before writing, calls :func:`claim_version` with
   that version: one ``UPDATE ... SET version = version + 1 WHERE pk = ... AND version = shown``.
   The row stays locked until the transaction ends, so of any number of concurrent saves
   with the same shown version exactly one matches; the others raise :class:`StaleEdit`,
   carrying the object as it is now.
4. The view catches :class:`StaleEdit` and calls ``form.refuse_stale(error)``: the page shows
   "someone else changed this; here is their version; your text is kept below"
   (``core/_edit_conflict.html``, included by ``core/_form_fields.html``), and the form now
   carries the current version, so saving again knowingly replaces theirs.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from .errors import ApplicationError

ModelT = TypeVar("ModelT", bound=models.Model)


def VersionField() -> models.PositiveIntegerField[Any, Any]:
    """Return the ``version`` field of a model edited through versioned forms."""
    return models.PositiveIntegerField(default=0, editable=False)


class StaleEdit(ApplicationError):
    """The object was changed (or deleted) by someone else since the form showed it.

    ``current`` is the object as it is now in the database, ``None`` if it was deleted.
    """

    def __init__(self, current: models.Model | None) -> None:
        message = (
            _("Someone else changed this while you were editing it: compare with their version below.")
            if current is not None
            else _("Someone else deleted this while you were editing it.")
        )
        super().__init__(message, extra={"current": current})
        self.current = current


def claim_version(obj: ModelT, shown: int | None) -> ModelT:
    """Take the right to save ``obj`` if its version is still ``shown``; raise :class:`StaleEdit` otherwise.

    Call it inside the service's ``transaction.atomic`` before any write: the version is bumped
    in the database at once (the row is then locked until the transaction ends) and on ``obj``,
    so a later ``obj.save()`` keeps it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_version() must run inside the service's transaction")
    rows = type(obj)._default_manager.filter(pk=obj.pk)
    if shown is None or not rows.filter(version=shown).update(version=F("version") + 1):
        raise StaleEdit(rows.first())
    obj.version = shown + 1  # type: ignore[attr-defined]
    return obj
