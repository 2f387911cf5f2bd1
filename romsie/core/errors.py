"""The one error a service raises when it refuses a write (after the HackSoft styleguide's).

A service that refuses for a reason the person can act on raises :class:`ApplicationError`
with a message written for them (translated) and, optionally, ``extra`` details for the code
that called it (a reason code, the id of the run already applied). Views catch it and show it
in one way, :func:`romsie.core.forms.show_error`: beside the form's fields when there is a form,
as a message otherwise. ``core.concurrency.StaleEdit`` is an ``ApplicationError`` that also
carries the object as it is now.

Programming errors and forbidden access are not application errors: a forged id is a 404 at
the gate, a missing right is ``PermissionDenied``.
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A write refused by a rule: ``message`` is shown to the person, ``extra`` is for the caller."""

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra: dict[str, Any] = extra or {}

    def __str__(self) -> str:
        return str(self.message)
