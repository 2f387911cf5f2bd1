"""Hostile or broken answers: each refused with a clear page, logged, no session, nothing created."""

from __future__ import annotations

import base64
import datetime
import logging

import pytest
from django.utils import timezone

from romsie.core.testing.world import World
from romsie.saml.models import IdentityProvider

from .conftest import register
from .flow import assert_refused, post_response, row_counts, start
from .idp import LocalIdP, encode

pytestmark = pytest.mark.django_db

GOOD = {"FrEduCtId": ["FAM-0001"]}


@pytest.fixture
def family(world: World) -> World:
    world.a.parent.external_id = "FAM-0001"
    world.a.parent.save()
    world.c.parent.external_id = "VICTIM"  # not reachable anyway; the victim of north is below
    world.a.teacher.external_id = "VICTIM-N"
    world.a.teacher.save()
    world.a.student.external_id = "STUDENT-N"
    world.a.student.save()
    return world


def _refused(client, saml_response: str, caplog: pytest.LogCaptureFixture, reason: str = "") -> None:
    before = row_counts()
    with caplog.at_level(logging.WARNING, logger="romsie.saml"):
        response = post_response(client, saml_response)
    assert_refused(client, response, before)
    assert "SAML sign-in refused" in caplog.text
    if reason:
        assert reason in caplog.text


def test_an_unsigned_response_and_assertion_are_refused(family, provider, local_idp: LocalIdP, client, caplog) -> None:
    request_id = start(client)
    _refused(client, local_idp.response(in_response_to=request_id, attributes=GOOD, sign_assertion=False), caplog)


def test_a_signed_response_with_an_unsigned_assertion_is_refused(family, provider, local_idp, client, caplog) -> None:
    request_id = start(client)
    saml = local_idp.response(in_response_to=request_id, attributes=GOOD, sign_assertion=False, sign_response=True)
    _refused(client, saml, caplog)


def test_a_signed_response_and_assertion_are_accepted(family, provider, local_idp, client) -> None:
    request_id = start(client)
    saml = local_idp.response(in_response_to=request_id, attributes=GOOD, sign_response=True)
    assert post_response(client, saml).status_code == 302


def test_a_tampered_assertion_is_refused(family, provider, local_idp, client, caplog) -> None:
    request_id = start(client)
    xml = local_idp.response_xml(in_response_to=request_id, attributes={"FrEduCtId": ["STUDENT-N"]})
    _refused(client, encode(xml.replace("STUDENT-N", "FAM-0001")), caplog)


def test_a_wrong_audience_is_refused(family, provider, local_idp, client, caplog) -> None:
    request_id = start(client)
    saml = local_idp.response(in_response_to=request_id, attributes=GOOD, audience="https://other-sp.invalid/")
    _refused(client, saml, caplog)


def test_a_wrong_destination_is_refused(family, provider, local_idp, client, caplog) -> None:
    request_id = start(client)
    saml = local_idp.response(in_response_to=request_id, attributes=GOOD, destination="https://other-sp.invalid/acs/")
    _refused(client, saml, caplog)


def test_a_wrong_recipient_is_refused(family, provider, local_idp, client, caplog) -> None:
    request_id = start(client)
    saml = local_idp.response(in_response_to=request_id, attributes=GOOD, recipient="https://other-sp.invalid/acs/")
    _refused(client, saml, caplog)


def test_an_expired_assertion_is_refused(family, provider, local_idp, client, caplog) -> None:
    request_id = start(client)
    past = timezone.now() - datetime.timedelta(minutes=10)
    _refused(client, local_idp.response(in_response_to=request_id, attributes=GOOD, not_on_or_after=past), caplog)


def test_a_replayed_assertion_is_refused(family, provider, local_idp, client, caplog) -> None:
    request_id = start(client)
    saml = local_idp.response(in_response_to=request_id, attributes=GOOD)
    assert post_response(client, saml).status_code == 302
    thief = type(client)()
    thief.cookies = client.cookies  # even with the same browser state
    client.logout()
    start(client)  # a fresh request; the old response is posted again
    from django.core import signing

    from romsie.saml.views import REQUEST_COOKIE, REQUEST_SALT

    # Post it with a cookie naming the original request, as a replaying attacker would need.
    client.cookies[REQUEST_COOKIE] = signing.dumps(
        {"id": request_id, "idp": provider.pk, "next": ""}, salt=REQUEST_SALT
    )
    _refused(client, saml, caplog, "replayed")


def test_an_answer_to_a_request_that_is_not_ours_is_refused(family, provider, local_idp, client, caplog) -> None:
    start(client)
    _refused(client, local_idp.response(in_response_to="id-not-ours", attributes=GOOD), caplog)


def test_an_unsolicited_answer_is_refused_unless_the_provider_allows_it(
    family, provider, local_idp, client, caplog
) -> None:
    _refused(client, local_idp.response(in_response_to=None, attributes=GOOD), caplog, "unsolicited")
    IdentityProvider.objects.filter(pk=provider.pk).update(allow_unsolicited=True)
    assert post_response(client, local_idp.response(in_response_to=None, attributes=GOOD)).status_code == 302


def test_an_answer_from_another_browser_is_refused(family, provider, local_idp, client, caplog) -> None:
    request_id = start(client)
    other = type(client)()  # login CSRF: the attacker's own answer posted from the victim's browser
    _refused(other, local_idp.response(in_response_to=request_id, attributes=GOOD), caplog)


@pytest.mark.parametrize("where", ["before", "after", "inside"])
def test_xml_signature_wrapping_is_refused(family, provider, local_idp, client, caplog, where: str) -> None:
    request_id = start(client)
    # The attacker holds a genuine signed assertion for themself (a student)...
    xml = local_idp.response_xml(in_response_to=request_id, attributes={"FrEduCtId": ["STUDENT-N"]})
    # ...and injects an unsigned one naming the victim, with a fresh id.
    unsigned = local_idp.response_xml(
        in_response_to=request_id, attributes={"FrEduCtId": ["VICTIM-N"]}, sign_assertion=False
    )
    start_tag = unsigned.index("<ns1:Assertion ")
    evil = unsigned[start_tag : unsigned.index("</ns1:Assertion>") + len("</ns1:Assertion>")]
    signed_at = xml.index("<ns1:Assertion ")
    signed_end = xml.index("</ns1:Assertion>") + len("</ns1:Assertion>")
    signed = xml[signed_at:signed_end]
    if where == "before":
        wrapped = xml[:signed_at] + evil + xml[signed_at:]
    elif where == "after":
        wrapped = xml[:signed_end] + evil + xml[signed_end:]
    else:  # the signed assertion hidden inside the injected one
        inner = evil.replace("</ns1:Assertion>", signed + "</ns1:Assertion>", 1)
        wrapped = xml[:signed_at] + inner + xml[signed_end:]
    _refused(client, encode(wrapped), caplog)


def test_an_answer_from_another_provider_is_refused(
    family, provider, local_idp, other_idp: LocalIdP, client, caplog
) -> None:
    register(other_idp, family.north, slug="academie", name="Académie", kind=IdentityProvider.Kind.FAMILY)
    request_id = start(client, "educonnect")
    # Validly signed by the other provider, in answer to the request sent to ÉduConnect.
    _refused(client, other_idp.response(in_response_to=request_id, attributes=GOOD), caplog, "other-provider")


def test_an_answer_claiming_a_provider_it_does_not_come_from_is_refused(
    family, provider, local_idp, other_idp: LocalIdP, client, caplog
) -> None:
    request_id = start(client)
    # Signed with the other provider's key but naming ÉduConnect as its issuer.
    saml = other_idp.response(in_response_to=request_id, attributes=GOOD, issuer=local_idp.entity_id)
    _refused(client, saml, caplog)


def test_an_unregistered_provider_is_refused(family, provider, other_idp: LocalIdP, client, caplog) -> None:
    request_id = start(client)
    _refused(client, other_idp.response(in_response_to=request_id, attributes=GOOD), caplog)


XXE = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&x;</samlp:Response>"""

BILLION = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&b;</samlp:Response>"""


@pytest.mark.parametrize(
    "saml",
    [
        "",
        "not base64 at all !!",
        base64.b64encode(b"<samlp:Response").decode(),
        base64.b64encode(b"<html><body>hello</body></html>").decode(),
        encode(XXE),
        encode(BILLION),
        "A" * 300_000,
    ],
    ids=["empty", "not-base64", "truncated", "not-saml", "xxe", "entity-expansion", "too-large"],
)
def test_malformed_answers_are_refused(family, provider, client, caplog, saml: str) -> None:
    start(client)
    _refused(client, saml, caplog)


def test_the_refusal_page_speaks_the_persons_language(family, provider, local_idp, client, settings) -> None:
    settings.LANGUAGE_CODE = "fr"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = post_response(client, encode(XXE))
    assert response.status_code == 403
    assert 'lang="fr"' in response.content.decode()
