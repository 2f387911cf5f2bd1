"""Sign-in: throttling without user enumeration, deactivation, context, connection log."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client, override_settings
from django.urls import reverse

from config.settings import base as base_settings
from romsie.core.access.scope import Scope
from romsie.core.testing.factories import TEST_PASSWORD, RoleAssignmentFactory
from romsie.identity import services
from romsie.identity.hashers import SingleLaneArgon2PasswordHasher
from romsie.identity.models import ConnectionLog, Role

SIGN_IN = reverse("identity:sign-in")


def sign_in(client: Client, username: str, password: str = TEST_PASSWORD):
    return client.post(SIGN_IN, {"username": username, "password": password})


def test_teacher_signs_in_and_the_connection_is_logged(world):
    client = Client()
    response = sign_in(client, "teacher.a")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    log = ConnectionLog.objects.get(user=world.a.teacher)
    assert log.establishment == world.a.establishment
    assert log.profile == "teacher"


def test_wrong_password_and_unknown_user_get_the_same_answer(world):
    wrong = sign_in(Client(), "teacher.a", "not the password")
    unknown = sign_in(Client(), "nobody.here", "not the password")
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors
    assert not ConnectionLog.objects.exists()


def test_failed_sign_ins_are_throttled_whether_or_not_the_account_exists(world):
    for username in ("teacher.a", "nobody.here"):
        client = Client()
        for _ in range(5):
            sign_in(client, username, "wrong password")
        locked = sign_in(client, username, TEST_PASSWORD if username == "teacher.a" else "x")
        assert locked.status_code == 429, username
        assert "Too many attempts" in locked.content.decode() or "Trop de tentatives" in locked.content.decode()
    assert not ConnectionLog.objects.exists()


def test_deactivated_account_is_told_only_with_the_right_password(world):
    services.account_deactivate(scope=Scope(), user=world.a.teacher)
    with_right = sign_in(Client(), "teacher.a")
    with_wrong = sign_in(Client(), "teacher.a", "wrong password")
    assert with_right.context["form"].errors["__all__"][0] != with_wrong.context["form"].errors["__all__"][0]
    assert with_wrong.context["form"].errors == sign_in(Client(), "ghost", "wrong password").context["form"].errors


def test_deactivation_ends_every_session(world, client_for):
    first, second = client_for(world.a.parent), client_for(world.a.parent)
    assert first.get(reverse("core:dashboard")).status_code == 200
    services.account_deactivate(scope=Scope(), user=world.a.parent)
    for client in (first, second):
        response = client.get(reverse("core:dashboard"))
        assert response.status_code == 302
        assert response["Location"].startswith(SIGN_IN)


def test_sign_out_everywhere_ends_other_sessions(world, client_for):
    phone, laptop = client_for(world.a.student), client_for(world.a.student)
    laptop.post(reverse("identity:sign-out-everywhere"))
    assert phone.get(reverse("core:dashboard")).status_code == 302


def test_teacher_in_two_establishments_switches_and_pages_follow(world, client_for):
    RoleAssignmentFactory(user=world.a.teacher, establishment=world.b.establishment, role=Role.TEACHER)
    client = client_for(world.a.teacher)
    dashboard = client.get(reverse("core:dashboard"))
    assert dashboard.context["scope"].establishment.id == world.a.establishment.id
    client.post(reverse("identity:context-switch"), {"establishment": world.b.establishment.pk, "next": "/"})
    dashboard = client.get(reverse("core:dashboard"))
    assert dashboard.context["scope"].establishment.id == world.b.establishment.pk
    assert world.b.establishment.name in dashboard.content.decode()
    # The directory follows: a class of b is visible, a class of a is now another establishment's.
    assert client.get(reverse("directory:class-detail", args=[world.b.school_class.pk])).status_code == 200
    assert client.get(reverse("directory:class-detail", args=[world.a.school_class.pk])).status_code == 404


def test_switching_to_an_establishment_without_a_role_changes_nothing(world, client_for):
    client = client_for(world.a.teacher)
    client.post(reverse("identity:context-switch"), {"establishment": world.c.establishment.pk})
    assert client.get(reverse("core:dashboard")).context["scope"].establishment.id == world.a.establishment.pk


def test_parent_switches_child(world, client_for):
    from romsie.core.testing.factories import GuardianshipFactory

    GuardianshipFactory(establishment=world.a.establishment, guardian=world.a.parent, student=world.a.student2)
    client = client_for(world.a.parent)
    scope = client.get(reverse("core:dashboard")).context["scope"]
    assert {c.id for c in scope.children} == {world.a.student.pk, world.a.student2.pk}
    client.post(reverse("identity:context-switch"), {"child": world.a.student2.pk})
    assert client.get(reverse("core:dashboard")).context["scope"].child.id == world.a.student2.pk
    # Someone else's child cannot be chosen.
    client.post(reverse("identity:context-switch"), {"child": world.b.student.pk})
    assert client.get(reverse("core:dashboard")).context["scope"].child.id == world.a.student2.pk


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_context_switch_does_not_redirect_elsewhere(world, client_for, target):
    response = client_for(world.a.teacher).post(reverse("identity:context-switch"), {"next": target})
    assert response["Location"] == reverse("core:dashboard")


class CountingArgon2Hasher(Argon2PasswordHasher):
    """A real Argon2 hasher (cheap parameters) that counts the hashes it computes."""

    algorithm = "counting_argon2"
    time_cost = 1
    memory_cost = 64
    parallelism = 1
    hashes = 0

    def encode(self, password: str, salt: str) -> str:
        CountingArgon2Hasher.hashes += 1
        return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        CountingArgon2Hasher.hashes += 1
        return super().verify(password, encoded)


@pytest.mark.parametrize("state", ["active", "deactivated", "unknown"])
@pytest.mark.parametrize("password", [TEST_PASSWORD, "wrong password"])
def test_every_sign_in_costs_exactly_one_password_hash(world, state, password):
    # Timing must not tell a deactivated account from an active or unknown one: the same
    # work (one Argon2 hash) whatever the account and whatever the password.
    with override_settings(PASSWORD_HASHERS=[f"{__name__}.CountingArgon2Hasher"]):
        teacher = world.a.teacher
        teacher.set_password(TEST_PASSWORD)
        teacher.is_active = state != "deactivated"
        teacher.save()
        CountingArgon2Hasher.hashes = 0
        response = sign_in(Client(), "teacher.a" if state != "unknown" else "nobody.here", password)
        assert CountingArgon2Hasher.hashes == 1
    signed_in = state == "active" and password == TEST_PASSWORD
    assert response.status_code == (302 if signed_in else 200)
    if state == "deactivated":
        codes = [error.code for error in response.context["form"].non_field_errors().as_data()]
        assert codes == (["inactive"] if password == TEST_PASSWORD else ["invalid_login"])


PRODUCTION_HASHERS = ["romsie.identity.hashers.SingleLaneArgon2PasswordHasher", *base_settings.PASSWORD_HASHERS[1:]]


def test_the_production_hash_is_argon2id_at_no_less_than_owasp_cost():
    hasher = SingleLaneArgon2PasswordHasher()
    # OWASP: m = 19 MiB, t = 2, p = 1, or a stronger point of the same curve (m x t no smaller).
    assert hasher.memory_cost * hasher.time_cost >= 19 * 1024 * 2
    assert hasher.time_cost >= 1 and hasher.parallelism == 1
    assert "$argon2id$" in hasher.encode("a password", hasher.salt())


def test_an_old_100_mib_hash_still_signs_in_and_is_rehashed_at_the_new_cost(world):
    teacher = world.a.teacher
    old = Argon2PasswordHasher()  # Django's default: 100 MiB, 8 lanes, as hashes were made before
    teacher.password = old.encode(TEST_PASSWORD, old.salt())
    teacher.save(update_fields=["password"])
    assert "m=102400" in teacher.password
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        response = Client().post(reverse("identity:sign-in"), {"username": teacher.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
