"""Second factor: enrolment, the second sign-in step, recovery codes, remembered devices, admins' actions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from romsie.core.access.scope import Scope
from romsie.core.models import AuditEvent
from romsie.core.testing.factories import TEST_PASSWORD
from romsie.identity import second_factor, services
from romsie.identity.models import ConnectionLog, User

SIGN_IN = reverse("identity:sign-in")
SECOND_STEP = reverse("identity:second-factor")
DASHBOARD = reverse("core:dashboard")


def code_of(device: TOTPDevice, drift: int = 0) -> str:
    """The code the person's app shows now (``drift=1``: the next one, still accepted)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + drift):06d}"


def enrol(user: User) -> tuple[TOTPDevice, list[str]]:
    """Give a person a confirmed app and recovery codes, as the enrolment page does."""
    device = services.totp_enrolment_start(user=user)
    codes = services.totp_enrolment_confirm(user=user, code=code_of(device))
    device.refresh_from_db()
    return device, codes


def password_step(client: Client, username: str, **extra: str):
    return client.post(SIGN_IN, {"username": username, "password": TEST_PASSWORD, **extra})


def is_signed_in(client: Client) -> bool:
    return client.get(DASHBOARD).status_code == 200


# Enrolment


def test_a_teacher_enrols_from_the_account_page_and_gets_ten_hashed_recovery_codes(world, client_for):
    teacher = world.a.teacher
    client = client_for(teacher)
    page = client.get(reverse("identity:second-factor-enrol"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'aria-hidden="true"' in html  # the QR code, drawn by the server
    device = TOTPDevice.objects.get(user=teacher, confirmed=False)
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")  # the key as text too
    assert "no-store" in page["Cache-Control"]

    wrong = client.post(
        reverse("identity:second-factor-enrol"), {"code": "000000" if code_of(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert not TOTPDevice.objects.filter(user=teacher, confirmed=True).exists()

    done = client.post(reverse("identity:second-factor-enrol"), {"code": code_of(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=teacher).confirmed
    stored = set(StaticToken.objects.filter(device__user=teacher).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {second_factor.normalize_code(c).lower() for c in codes}  # only hashes are kept
    assert AuditEvent.objects.filter(action="identity.second_factor_enabled", actor=teacher).exists()


def test_students_and_parents_are_not_offered_a_second_factor(world, client_for):
    for person in (world.a.student, world.a.parent):
        client = client_for(person)
        assert client.get(reverse("identity:second-factor-settings")).status_code == 404
        assert client.post(reverse("identity:second-factor-enrol"), {"code": "123456"}).status_code == 404
    assert not TOTPDevice.objects.exists()


def test_new_recovery_codes_replace_the_old_ones(world, client_for):
    teacher = world.a.teacher
    _, old = enrol(teacher)
    response = client_for(teacher).post(reverse("identity:recovery-codes"))
    new = response.context["codes"]
    assert set(new).isdisjoint(old)
    assert services.second_factor_verify(user=teacher, code=new[0])
    assert not services.second_factor_verify(user=teacher, code=old[0])


def test_a_teacher_turns_the_second_factor_off(world, client_for):
    teacher = world.a.teacher
    enrol(teacher)
    assert client_for(teacher).post(reverse("identity:second-factor-disable")).status_code == 302
    assert not TOTPDevice.objects.filter(user=teacher).exists()
    assert not StaticToken.objects.filter(device__user=teacher).exists()
    assert password_step(Client(), "teacher.a")["Location"] == DASHBOARD


# The second step of sign-in


def test_sign_in_with_a_code_signs_in_only_after_the_second_step(world):
    device, _ = enrol(world.a.teacher)
    client = Client()
    first = password_step(client, "teacher.a")
    assert first.status_code == 302 and first["Location"] == SECOND_STEP
    assert not is_signed_in(client)  # the password alone signs nobody in
    assert not ConnectionLog.objects.exists()
    page = client.get(SECOND_STEP)
    assert page.status_code == 200 and "code" in page.context["form"].fields
    done = client.post(SECOND_STEP, {"code": code_of(device, drift=1)})
    assert done.status_code == 302 and done["Location"] == DASHBOARD
    assert is_signed_in(client)
    assert ConnectionLog.objects.filter(user=world.a.teacher).count() == 1
    # The same code cannot be used twice.
    again = Client()
    password_step(again, "teacher.a")
    assert again.post(SECOND_STEP, {"code": code_of(device, drift=1)}).status_code == 200
    assert not is_signed_in(again)


def test_the_second_step_keeps_the_page_asked_for_but_never_leaves_the_site(world):
    device, codes = enrol(world.a.teacher)
    client = Client()
    password_step(client, "teacher.a", next="/profil/")
    assert client.post(SECOND_STEP, {"code": code_of(device, drift=1)})["Location"] == "/profil/"
    hostile = Client()
    password_step(hostile, "teacher.a", next="https://evil.example/")
    assert hostile.post(SECOND_STEP, {"code": codes[0]})["Location"] == DASHBOARD


def test_a_recovery_code_signs_in_once(world):
    _, codes = enrol(world.a.teacher)
    client = Client()
    password_step(client, "teacher.a")
    assert client.post(SECOND_STEP, {"code": codes[3].lower()})["Location"] == DASHBOARD
    assert StaticToken.objects.filter(device__user=world.a.teacher).count() == 9
    again = Client()
    password_step(again, "teacher.a")
    refused = again.post(SECOND_STEP, {"code": codes[3]})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert not is_signed_in(again)


def test_wrong_codes_are_throttled_like_wrong_passwords(world):
    device, _ = enrol(world.a.teacher)
    client = Client()
    password_step(client, "teacher.a")
    right = code_of(device, drift=1)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        client.post(SECOND_STEP, {"code": wrong})
    locked = client.post(SECOND_STEP, {"code": right})
    assert locked.status_code == 429
    assert not is_signed_in(client)
    assert not ConnectionLog.objects.exists()


def test_the_pending_sign_in_dies_with_the_sessions(world):
    device, _ = enrol(world.a.teacher)
    client = Client()
    password_step(client, "teacher.a")
    services.sign_out_everywhere(user=world.a.teacher)
    response = client.post(SECOND_STEP, {"code": code_of(device, drift=1)})
    assert response["Location"] == SIGN_IN
    assert not is_signed_in(client)


def test_without_a_pending_sign_in_the_second_step_sends_back_to_the_password(world):
    assert Client().post(SECOND_STEP, {"code": "123456"})["Location"] == SIGN_IN


def test_the_second_step_costs_a_pinned_number_of_queries(world, django_assert_num_queries):
    device, _ = enrol(world.a.teacher)
    client = Client()
    password_step(client, "teacher.a")
    with django_assert_num_queries(3):
        # the session, the person (active, same epoch), their app
        client.get(SECOND_STEP)
    code = code_of(device, drift=1)
    with django_assert_num_queries(22):
        # session, person, app, throttling (2), app again (checked, updated), new session (5), axes reset (2),
        # last login, the scope (2), connection log, session saved (3)
        client.post(SECOND_STEP, {"code": code})
    assert is_signed_in(client)


# Remember this device


def test_a_remembered_device_skips_the_second_step_for_that_person_only(world):
    device, _ = enrol(world.a.teacher)
    enrol(world.a.school_life)
    client = Client()
    password_step(client, "teacher.a")
    done = client.post(SECOND_STEP, {"code": code_of(device, drift=1), "remember": "on"})
    cookie = done.cookies[second_factor.REMEMBER_COOKIE]
    assert cookie["httponly"] and cookie["max-age"] == 30 * 24 * 3600
    later = Client()
    later.cookies[second_factor.REMEMBER_COOKIE] = cookie.value
    assert password_step(later, "teacher.a")["Location"] == DASHBOARD
    other = Client()
    other.cookies[second_factor.REMEMBER_COOKIE] = cookie.value
    assert password_step(other, "school_life.a")["Location"] == SECOND_STEP


def test_a_forged_remembered_device_cookie_is_ignored(world):
    enrol(world.a.teacher)
    client = Client()
    forged = f"{world.a.teacher.pk}:{world.a.teacher.session_epoch}"
    client.cookies[second_factor.REMEMBER_COOKIE] = forged + ":not-a-signature"
    assert password_step(client, "teacher.a")["Location"] == SECOND_STEP


def test_ending_the_sessions_forgets_the_remembered_devices(world):
    device, _ = enrol(world.a.teacher)
    client = Client()
    password_step(client, "teacher.a")
    done = client.post(SECOND_STEP, {"code": code_of(device, drift=1), "remember": "on"})
    value = done.cookies[second_factor.REMEMBER_COOKIE].value
    services.sign_out_everywhere(user=world.a.teacher)
    later = Client()
    later.cookies[second_factor.REMEMBER_COOKIE] = value
    assert password_step(later, "teacher.a")["Location"] == SECOND_STEP


# Mandatory for heads, digital leads and territory admins


@pytest.mark.parametrize("who", ["head", "digital_lead", "territory_admin"])
def test_a_head_must_enrol_before_reaching_anything(world, settings, who):
    settings.ROMSIE_SECOND_FACTOR_REQUIRED = True
    person = world.territory_admin if who == "territory_admin" else world.a.people[who]
    client = Client()
    assert password_step(client, person.username)["Location"] == SECOND_STEP
    page = client.get(SECOND_STEP)
    assert page.context["mandatory"] is True and "<svg" in page.content.decode()
    assert not is_signed_in(client)
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    done = client.post(SECOND_STEP, {"code": code_of(device)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert is_signed_in(client)
    # Mandatory: it cannot be turned off.
    client.post(reverse("identity:second-factor-disable"))
    assert TOTPDevice.objects.filter(user=person, confirmed=True).exists()


def test_other_staff_and_teachers_are_not_forced(world, settings):
    settings.ROMSIE_SECOND_FACTOR_REQUIRED = True
    for username in ("teacher.a", "office.a", "parent.a"):
        assert password_step(Client(), username)["Location"] == DASHBOARD


# Administrators end a person's sessions and reset their second factor


def test_a_head_ends_a_teachers_sessions(world, client_for):
    teacher = world.a.teacher
    victim = client_for(teacher)
    head = client_for(world.a.head)
    url = reverse("administration:person-sessions-end", args=[teacher.pk])
    assert head.get(url).status_code == 200  # confirmation first
    assert is_signed_in(victim)
    assert head.post(url).status_code == 302
    assert victim.get(DASHBOARD)["Location"].startswith(SIGN_IN)
    assert AuditEvent.objects.filter(action="identity.sessions_ended", actor=world.a.head).count() == 1


def test_another_establishments_person_is_not_found_and_nothing_changes(world, client_for):
    stranger = world.c.teacher
    epoch = stranger.session_epoch
    head = client_for(world.a.head)
    for name in ("administration:person-sessions-end", "administration:person-second-factor-reset"):
        assert head.post(reverse(name, args=[stranger.pk])).status_code == 404
    stranger.refresh_from_db()
    assert stranger.session_epoch == epoch
    assert not AuditEvent.objects.exists()


def test_a_teacher_cannot_end_anybodys_sessions(world, client_for):
    target = world.a.student
    response = client_for(world.a.teacher).post(reverse("administration:person-sessions-end", args=[target.pk]))
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.session_epoch == 0
    assert not AuditEvent.objects.exists()


def test_a_head_resets_a_lost_phone(world, client_for):
    teacher = world.a.teacher
    enrol(teacher)
    victim = client_for(teacher)
    head = client_for(world.a.head)
    assert head.post(reverse("administration:person-second-factor-reset", args=[teacher.pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=teacher).exists()
    assert not StaticToken.objects.filter(device__user=teacher).exists()
    assert not is_signed_in(victim)
    assert AuditEvent.objects.filter(action="identity.second_factor_reset").count() == 1
    assert password_step(Client(), "teacher.a")["Location"] == DASHBOARD


def test_a_territory_admin_ends_a_heads_sessions_and_resets_their_factor(world, client_for):
    from romsie.identity.models import RoleAssignment, StaffFunction

    head = world.a.head
    enrol(head)
    assignment = RoleAssignment.objects.get(user=head, function=StaffFunction.HEAD)
    head_client = client_for(head)
    admin = client_for(world.territory_admin)
    admin.post(reverse("administration:establishment-admin-sessions-end", args=[assignment.pk]))
    assert not is_signed_in(head_client)
    admin.post(reverse("administration:establishment-admin-factor-reset", args=[assignment.pk]))
    assert not TOTPDevice.objects.filter(user=head).exists()
    actions = set(AuditEvent.objects.filter(actor=world.territory_admin).values_list("action", flat=True))
    assert actions == {"identity.sessions_ended", "identity.second_factor_reset"}


def test_deactivation_refuses_the_second_step(world):
    device, _ = enrol(world.a.teacher)
    client = Client()
    password_step(client, "teacher.a")
    services.account_deactivate(scope=Scope(), user=world.a.teacher)
    assert client.post(SECOND_STEP, {"code": code_of(device, drift=1)})["Location"] == SIGN_IN
    assert not is_signed_in(client)


def test_the_operators_console_signs_in_through_the_ent_only(world):
    response = Client().get("/operateur/login/?next=/operateur/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN) and "next=/operateur/" in response["Location"]
    assert (
        Client()
        .post("/operateur/login/", {"username": "teacher.a", "password": TEST_PASSWORD})["Location"]
        .startswith(SIGN_IN)
    )


def test_the_operators_console_does_not_show_the_secrets():
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)


def test_a_head_activating_their_account_sets_up_the_second_factor_first(world, settings):
    settings.ROMSIE_SECOND_FACTOR_REQUIRED = True
    head = world.a.head
    head.set_unusable_password()
    head.activated_at = None
    head.save()
    code = services.activation_codes_issue(users=[head], establishment=world.a.establishment)[head.pk]
    client = Client()
    client.post(reverse("identity:activate"), {"username": head.username, "code": code})
    new_password = "un vélo rouge sous la pluie"
    response = client.post(
        reverse("identity:activate-password"),
        {"password1": new_password, "password2": new_password, "accept_charter": "on"},
    )
    assert response["Location"] == SECOND_STEP
    assert not is_signed_in(client)
    assert client.get(SECOND_STEP).context["mandatory"] is True
