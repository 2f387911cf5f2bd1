"""First sign-in with an activation code, and every way it can go wrong."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from romsie.core.testing.factories import UserFactory
from romsie.identity import services
from romsie.identity.models import ActivationCode, ConnectionLog, User

ACTIVATE = reverse("identity:activate")
CHOOSE = reverse("identity:activate-password")
GOOD_PASSWORD = "un cheval mange des pommes"


@pytest.fixture
def newcomer(world):
    """A parent of establishment a who has not activated their account yet."""
    user = UserFactory(username="nouveau.parent", first_name="Zoé", last_name="Nouveau", activated_at=None)
    user.set_unusable_password()
    user.save()
    code = services.activation_codes_issue(users=[user], establishment=world.a.establishment)[user.pk]
    services.guardianship_create(establishment=world.a.establishment, guardian=user, student=world.a.student)
    return user, code


def test_parent_activates_with_code_and_reaches_dashboard(newcomer):
    user, code = newcomer
    client = Client()
    step1 = client.post(ACTIVATE, {"username": "Nouveau.Parent", "code": services.format_code(code).lower()})
    assert step1.status_code == 302 and step1["Location"] == CHOOSE
    step2 = client.post(CHOOSE, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD, "accept_charter": "on"})
    assert step2["Location"] == reverse("core:dashboard")
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)
    assert user.activated_at and user.charter_accepted_at
    assert ActivationCode.objects.get(user=user).used_at is not None
    assert ConnectionLog.objects.filter(user=user).count() == 1
    dashboard = client.get(reverse("core:dashboard"))
    assert world_student_name(dashboard) in dashboard.content.decode()


def world_student_name(response) -> str:
    return response.context["scope"].children[0].name


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda user, code: ("nouveau.parent", "AAAA-BBBB"), "wrong"),
        (lambda user, code: ("someone.else", code), "wrong"),
        (lambda user, code: _expire(user) or ("nouveau.parent", code), "expired"),
        (lambda user, code: _use(user) or ("nouveau.parent", code), "used"),
        (lambda user, code: _deactivate(user) or ("nouveau.parent", code), "inactive"),
    ],
)
def test_bad_codes_get_a_clear_message_and_change_nothing(newcomer, mutate, reason):
    from romsie.identity.forms import ACTIVATION_ERRORS

    user, code = newcomer
    username, typed = mutate(user, code)
    before = user.password
    response = Client().post(ACTIVATE, {"username": username, "code": typed})
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"] == [str(ACTIVATION_ERRORS[reason])]
    user.refresh_from_db()
    assert user.password == before and user.activated_at is None


def _expire(user: User) -> None:
    ActivationCode.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(days=1))


def _use(user: User) -> None:
    ActivationCode.objects.filter(user=user).update(used_at=timezone.now())


def _deactivate(user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)


def test_a_new_code_replaces_the_old_one(newcomer, world):
    user, old = newcomer
    new = services.activation_codes_issue(users=[user], establishment=world.a.establishment)[user.pk]
    from romsie.identity.forms import ACTIVATION_ERRORS

    response = Client().post(ACTIVATE, {"username": user.username, "code": old})
    assert response.context["form"].errors["__all__"] == [str(ACTIVATION_ERRORS["revoked"])]
    assert Client().post(ACTIVATE, {"username": user.username, "code": new}).status_code == 302


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("court", "password_too_short"),
        ("motdepasse123", "password_too_common"),
        ("azertyuiop", "password_too_common"),
        ("password123", "password_too_common"),
    ],
)
def test_weak_or_blocklisted_passwords_are_refused(newcomer, password, code):
    user, activation = newcomer
    client = Client()
    client.post(ACTIVATE, {"username": user.username, "code": activation})
    response = client.post(CHOOSE, {"password1": password, "password2": password, "accept_charter": "on"})
    assert response.status_code == 200
    assert code in [e.code for e in response.context["form"].errors.as_data()["password2"]]
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_no_composition_rule_a_long_lowercase_sentence_is_fine(newcomer):
    user, activation = newcomer
    client = Client()
    client.post(ACTIVATE, {"username": user.username, "code": activation})
    response = client.post(
        CHOOSE, {"password1": "toutenminuscules", "password2": "toutenminuscules", "accept_charter": "on"}
    )
    assert response.status_code == 302


def test_charter_must_be_accepted(newcomer):
    user, activation = newcomer
    client = Client()
    client.post(ACTIVATE, {"username": user.username, "code": activation})
    response = client.post(CHOOSE, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert "accept_charter" in response.context["form"].errors
    user.refresh_from_db()
    assert user.activated_at is None


def test_choosing_a_password_without_a_code_sends_back_to_step_one(world):
    assert Client().get(CHOOSE)["Location"] == ACTIVATE


def test_code_attempts_are_throttled(newcomer):
    user, code = newcomer
    client = Client()
    for _ in range(5):
        client.post(ACTIVATE, {"username": user.username, "code": "ZZZZ-ZZZZ"})
    assert client.post(ACTIVATE, {"username": user.username, "code": code}).status_code == 429


def test_usernames_are_accent_free_and_suffixed_on_collision(db):
    assert services.username_allocate("Zoé", "Lefèvre-Müller") == "zoe.lefevre-muller"
    UserFactory(username="zoe.lefevre-muller")
    assert services.username_allocate("Zoé", "Lefèvre-Müller") == "zoe.lefevre-muller2"
    assert services.username_allocate("Anne Sophie", "N'Diaye") == "anne-sophie.n-diaye"
    taken = {"jean.dupont", "jean.dupont2"}
    assert services.username_allocate("Jean", "Dupont", taken) == "jean.dupont3"
    assert "jean.dupont3" in taken
