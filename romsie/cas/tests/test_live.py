"""The whole CAS flow with a real CAS client library (python-cas) against the live test server."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from cas import CASClient

from romsie.core.testing.concurrency import committed_db
from romsie.core.testing.factories import TEST_PASSWORD
from romsie.core.testing.world import World

from .builders import SERVICE_URL, register

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _follow_once(browser: requests.Session, base: str, url: str) -> requests.Response:
    return browser.get(urljoin(base, url), allow_redirects=False, timeout=30)


@committed_db
def test_a_cas_client_signs_a_person_in_with_v2_and_v3(world: World, live_server: Any) -> None:
    register(world.north)
    student = world.a.student
    student.external_id = "AAF-4242"
    student.save()
    v3 = CASClient(version=3, service_url=SERVICE_URL, server_url=f"{live_server.url}/cas/")
    v2 = CASClient(version=2, service_url=SERVICE_URL, server_url=f"{live_server.url}/cas/")
    browser = requests.Session()

    # The service sends the browser to the ENT, which sends it to its own sign-in page.
    first = browser.get(v3.get_login_url(), allow_redirects=False, timeout=30)
    assert first.status_code == 302 and "/compte/connexion/" in first.headers["Location"]
    page = _follow_once(browser, live_server.url, first.headers["Location"])
    token = CSRF.search(page.text)
    assert token is not None
    signed = browser.post(
        urljoin(live_server.url, first.headers["Location"]),
        data={"username": student.username, "password": TEST_PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        allow_redirects=False,
        timeout=30,
    )
    assert signed.status_code == 302
    back = _follow_once(browser, live_server.url, signed.headers["Location"])
    assert back.status_code == 302 and back.headers["Location"].startswith(SERVICE_URL + "?ticket=ST-")
    ticket = parse_qs(urlsplit(back.headers["Location"]).query)["ticket"][0]

    # The service validates the ticket over HTTP (CAS 3): the person and the released attributes.
    user, attributes, _pgtiou = v3.verify_ticket(ticket)
    assert user == student.username
    assert attributes["ENTPersonJointure"] == "AAF-4242"
    assert attributes["ENTStructureUAI"] == world.a.establishment.uai
    assert attributes["ENTPersonProfils"] == "student"
    assert attributes["ENTPersonClasses"] == world.a.school_class.name
    # A ticket is single-use.
    assert v3.verify_ticket(ticket)[0] is None

    # Signed in now: the next visit passes straight through; CAS 2 validates with attributes too.
    again = browser.get(v2.get_login_url(), allow_redirects=False, timeout=30)
    second = parse_qs(urlsplit(again.headers["Location"]).query)["ticket"][0]
    user, attributes, _pgtiou = v2.verify_ticket(second)
    assert user == student.username and attributes["uid"] == student.username

    # A ticket for another service, and a forged one, are refused.
    third = browser.get(v2.get_login_url(), allow_redirects=False, timeout=30).headers["Location"]
    other = CASClient(version=3, service_url=SERVICE_URL + "/other", server_url=f"{live_server.url}/cas/")
    assert other.verify_ticket(parse_qs(urlsplit(third).query)["ticket"][0])[0] is None
    assert v3.verify_ticket("ST-forged")[0] is None
