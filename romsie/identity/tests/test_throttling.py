"""Sign-in throttling across usernames, and the client's address behind the reverse proxy."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from romsie.core.testing.factories import TEST_PASSWORD, person
from romsie.identity.models import ConnectionLog, Role
from romsie.identity.throttling import client_ip

SIGN_IN = reverse("identity:sign-in")
PROXY = "10.0.0.2"
BEHIND_PROXY = override_settings(ROMSIE_TRUSTED_PROXIES=["10.0.0.0/24"])


def sign_in(client: Client, username: str, password: str = TEST_PASSWORD, **meta: str):
    return client.post(SIGN_IN, {"username": username, "password": password}, **meta)


def is_refused(response) -> bool:
    page = response.content.decode()
    return response.status_code == 429 and ("Too many attempts" in page or "Trop de tentatives" in page)


def test_password_spraying_from_one_address_is_refused_after_the_limit(world, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    limit = settings.ROMSIE_SIGN_IN_ADDRESS_LIMIT
    assert limit < 30
    usernames = ["teacher.a", "student.a", "parent.a"] + [f"prenom{i}.nom{i}" for i in range(27)]
    answers = [sign_in(attacker, username, "Printemps2026!").status_code for username in usernames]
    # Refused from the attempt that reaches the limit on, whatever the username.
    assert answers == [200] * (limit - 1) + [429] * (30 - limit + 1)
    refused = sign_in(attacker, "head.a")
    assert is_refused(refused)
    assert not ConnectionLog.objects.exists()
    # Another address is not concerned.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.20"), "head.a").status_code == 302


def test_a_school_behind_one_address_is_not_refused_on_a_monday_morning(world, settings):
    # A whole school shares one NAT address. Pupils who mistype then sign in clear their
    # failures; only those who keep failing count, and they stay below the limit.
    school = Client(REMOTE_ADDR="192.0.2.50")
    pupils = [person(world.a.establishment, Role.STUDENT, username=f"pupil.{i}") for i in range(40)]
    for pupil in pupils:
        assert sign_in(school, pupil.username, "wrong password").status_code == 200
        assert sign_in(school, pupil.username).status_code == 302
        school.post(reverse("identity:sign-out"))
    for i in range(settings.ROMSIE_SIGN_IN_ADDRESS_LIMIT - 2):
        assert sign_in(school, f"forgot.{i}", "wrong password").status_code == 200
    assert sign_in(school, "teacher.a").status_code == 302
    assert ConnectionLog.objects.count() == 41


@BEHIND_PROXY
def test_a_username_locked_behind_the_proxy_stays_open_to_another_client(world):
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    for _ in range(5):
        sign_in(attacker, "teacher.a", "wrong password")
    assert is_refused(sign_in(attacker, "teacher.a"))
    # The teacher, at school behind the same reverse proxy, still signs in.
    teacher = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert sign_in(teacher, "teacher.a").status_code == 302


@BEHIND_PROXY
def test_spraying_behind_the_proxy_refuses_that_client_only(world, settings):
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    for i in range(settings.ROMSIE_SIGN_IN_ADDRESS_LIMIT):
        sign_in(attacker, f"prenom{i}.nom{i}", "wrong password")
    assert is_refused(sign_in(attacker, "teacher.a"))
    other = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert sign_in(other, "teacher.a").status_code == 302


@BEHIND_PROXY
def test_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored(world):
    # Straight to the application server, each try claiming another address: the lock
    # follows the real peer.
    for i in range(5):
        sign_in(Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}"), "teacher.a", "wrong")
    forged = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert is_refused(sign_in(forged, "teacher.a"))


@BEHIND_PROXY
@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("203.0.113.9", "192.0.2.1", "203.0.113.9"),  # untrusted peer: its header is ignored
        ("10.0.0.2", "", "10.0.0.2"),  # trusted proxy without header: the proxy itself
        ("10.0.0.2", "198.51.100.7", "198.51.100.7"),  # one proxy
        ("10.0.0.2", "192.0.2.1, 198.51.100.7", "198.51.100.7"),  # forged left part ignored
        ("10.0.0.2", "192.0.2.1, 198.51.100.7, 10.0.0.3", "198.51.100.7"),  # two trusted hops
        ("10.0.0.2", "not-an-address, 10.0.0.3", "10.0.0.3"),  # garbage stops the walk
        ("::ffff:10.0.0.2", "2001:db8::1", "2001:db8::1"),  # IPv4-mapped proxy, IPv6 client
    ],
)
def test_client_address_is_read_right_to_left_through_trusted_proxies_only(peer, forwarded, client):
    meta = {"REMOTE_ADDR": peer}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **meta)) == client
