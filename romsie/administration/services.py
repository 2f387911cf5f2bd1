"""Writes of the administration pages that span apps: people creation, codes and letters."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from romsie.core.access.scope import Scope
from romsie.core.services import audit_record
from romsie.establishments.access import get_current_establishment
from romsie.identity import services as identity_services
from romsie.identity.letters import Letter, letters_pdf
from romsie.identity.models import User

from . import access
from .selectors import LetterRecipient


@transaction.atomic
def establishment_person_create(
    *, scope: Scope, first_name: str, last_name: str, role: str, function: str = "", email: str = ""
) -> User:
    """Create a person with a role in the scope's establishment (administrators need the right to adjust rights)."""
    if scope.establishment_id is None:
        raise PermissionDenied
    identity_services.role_grant_check(scope, role, function)
    return identity_services.person_create(
        establishment=get_current_establishment(scope),
        first_name=first_name,
        last_name=last_name,
        role=role,
        function=function,
        email=email,
        scope=scope,
    )


def _check_manageable(scope: Scope, people: Sequence[User], pool: QuerySet[User]) -> None:
    """Refuse unless every person is in ``pool`` (an access gate) and their account is managed here."""
    ids = {p.pk for p in people}
    manageable = access.manageable_accounts(scope, pool.filter(pk__in=ids))
    if manageable.count() != len(ids):
        raise PermissionDenied


@transaction.atomic
def activation_code_issue(*, scope: Scope, person: User) -> str:
    """Issue a new activation code for one person (the "reset by an administrator" path)."""
    _check_manageable(scope, [person], access.visible_people(scope))
    codes = identity_services.activation_codes_issue(
        users=[person], establishment=get_current_establishment(scope), scope=scope
    )
    return codes[person.pk]


@transaction.atomic
def activation_letters_print(*, scope: Scope, recipients: Sequence[LetterRecipient], label: str) -> bytes:
    """Issue fresh codes for the recipients and return their letters as one PDF.

    Earlier unused codes of these people are revoked; the batch is recorded in the audit log.
    """
    people = [r.person for r in recipients]
    _check_manageable(scope, people, access.letter_people(scope))
    establishment = get_current_establishment(scope)
    codes = identity_services.activation_codes_issue(users=people, establishment=establishment, scope=scope)
    audit_record(scope=scope, action="identity.letters_printed", target=label, letters=len(recipients))
    return _pdf(establishment.name, recipients, codes)


def activation_letter_reprint(*, scope: Scope, recipient: LetterRecipient, code: str) -> bytes:
    """Print one person's letter with the code just shown on screen (checked, not reissued)."""
    _check_manageable(scope, [recipient.person], access.visible_people(scope))
    checked = identity_services.activation_code_check(username=recipient.person.username, code=code)
    if checked.pk != recipient.person.pk:
        raise identity_services.activation_refused("wrong")
    establishment = get_current_establishment(scope)
    return _pdf(establishment.name, [recipient], {recipient.person.pk: identity_services.normalize_code(code)})


def _pdf(establishment_name: str, recipients: Sequence[LetterRecipient], codes: dict[int, str]) -> bytes:
    letters = [
        Letter(
            full_name=r.person.get_full_name() or r.person.username,
            username=r.person.username,
            code=codes[r.person.pk],
            recipient=r.recipient,
            children=r.children,
            language=r.person.language,
        )
        for r in recipients
    ]
    return letters_pdf(establishment_name=establishment_name, letters=letters)
