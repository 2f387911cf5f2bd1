"""The establishment's list of absence reasons, created with a default list on first use.

Below both ``services`` and ``selectors`` (which read the list and may create it on a first visit).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import AbsenceReason

# Default absence reasons, created on first use by ``default_reasons_ensure``: (label, justifies).
DEFAULT_REASONS: tuple[tuple[str, bool], ...] = (
    (gettext_noop("Illness"), True),
    (gettext_noop("Family reason"), True),
    (gettext_noop("Medical appointment"), True),
    (gettext_noop("Transport"), True),
    (gettext_noop("Official summons"), True),
    (gettext_noop("Religious holiday"), True),
    (gettext_noop("No reason"), False),
)


def default_reasons_ensure(establishment_id: int) -> list[AbsenceReason]:
    """The establishment's absence reasons; a sensible default list is created if it has none.

    The labels are written in the interface's language of the moment (French by default) and
    are then the establishment's own, free to rename.
    """
    reasons = list(AbsenceReason.objects.filter(establishment_id=establishment_id))
    if reasons:
        return reasons
    with transaction.atomic():
        AbsenceReason.objects.bulk_create(
            [
                AbsenceReason(establishment_id=establishment_id, label=_(label), justifies=justifies, order=order)
                for order, (label, justifies) in enumerate(DEFAULT_REASONS, start=1)
            ],
            ignore_conflicts=True,
        )
    return list(AbsenceReason.objects.filter(establishment_id=establishment_id))
