"""Password rules: length and blocklists, no composition rules."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from romsie.core.text import fold

# Common French choices that Django's English-centred list misses. Compared folded.
FRENCH_BLOCKLIST = frozenset(
    {
        "motdepasse",
        "motdepasse1",
        "motdepasse123",
        "azertyuiop",
        "azerty1234",
        "azerty12345",
        "azertyazerty",
        "qwertzuiop",
        "soleil1234",
        "bonjour123",
        "bonjour1234",
        "chocolat12",
        "doudou1234",
        "marseille13",
        "marseille123",
        "allezlom13",
        "jetaime1234",
        "loulou1234",
        "nicolas123",
        "camille123",
        "louise1234",
        "1234567890",
        "0123456789",
        "0000000000",
        "romsie1234",
        "romsieent1",
        "college1234",
        "ecole12345",
        "ecole123456",
        "bienvenue1",
        "bienvenue123",
        "vacances12",
        "coucou1234",
        "football10",
        "princesse1",
        "chouchou12",
    }
)


class FrenchBlocklistValidator:
    """Refuse passwords from a French blocklist and the ENT's own name."""

    def validate(self, password: str, user: Any = None) -> None:
        folded = fold(password).replace(" ", "")
        if folded in FRENCH_BLOCKLIST or folded.startswith(("romsie", "motdepasse", "azerty")):
            raise ValidationError(_("This password is too common."), code="password_too_common")

    def get_help_text(self) -> str:
        return _("Your password must not be a commonly used password.")
