"""Reads of the establishments app."""

from romsie.core.access.scope import Scope

from . import access
from .models import Establishment


def establishment_for_scope(scope: Scope) -> Establishment:
    """Return the current establishment with its territory."""
    return access.get_current_establishment(scope)
