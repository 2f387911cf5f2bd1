"""Reads of the identity app."""

from .models import User


def person_pending_activation(user_id: int) -> User | None:
    """Return the active person whose activation is under way, or None."""
    return User.objects.filter(pk=user_id, is_active=True).first()
