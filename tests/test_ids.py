"""Ids too long for the database, in URLs and query strings: a 404 or a form error, never a 500.

SQLite cannot compare a 30-digit number with an INTEGER column (``OverflowError``); every
object id in a URL goes through core's ``id`` path converter, and ids read from query strings
and forms through ``romsie.core.ids.parse_id``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from romsie.core.ids import MAX_ID, IdConverter, parse_id
from romsie.core.testing.world import World
from romsie.messaging.tests.helpers import send

BIG = "1" * 30
SERVICES = ["directory", "timetable", "homework", "messaging", "news"]


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def test_every_object_id_in_a_url_uses_the_id_converter() -> None:
    with_int = [route for route, entry in _patterns(get_resolver()) if any(
        isinstance(c, IntConverter) for c in entry.pattern.converters.values())]  # fmt: skip
    assert with_int == [], "write object ids <id:pk>, not <int:pk> (see romsie/core/ids.py)"


def test_the_id_converter_takes_64_bit_ids_only() -> None:
    converter = IdConverter()
    assert converter.to_python(str(MAX_ID)) == MAX_ID
    with pytest.raises(ValueError, match="not an id"):
        converter.to_python(str(MAX_ID + 1))
    assert reverse("messaging:message-detail", args=[MAX_ID]).endswith(f"/{MAX_ID}/")
    assert [parse_id(v) for v in ("12", str(MAX_ID), str(MAX_ID + 1), BIG, "", None, "-3", "²", "1e3")] == [
        12,
        MAX_ID,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ]


@pytest.fixture
def services_on(world: World) -> World:
    for ew in (world.a, world.b, world.c):
        ew.establishment.enabled_services = SERVICES
        ew.establishment.save(update_fields=["enabled_services"])
    return world


# One URL of each app that takes an object, with someone who may open it (a small unknown
# id reaches the view: 404, not 403).
SAMPLES = [
    ("notifications:notification-open", "teacher"),
    ("directory:person-detail", "teacher"),
    ("administration:school-year-update", "head"),
    ("provisioning:run-detail", "head"),
    ("messaging:message-detail", "teacher"),
    ("messaging:attachment-download", "teacher"),
    ("news:item-detail", "teacher"),
    ("timetable:session-detail", "teacher"),
    ("homework:entry-detail", "teacher"),
]


@pytest.mark.parametrize(("name", "who"), SAMPLES)
def test_a_30_digit_id_in_a_url_is_not_found(services_on: World, client_for: Any, name: str, who: str) -> None:
    client = client_for(services_on.a.people[who])
    unknown = reverse(name, args=[987654321])
    assert client.get(unknown).status_code == 404
    assert client.get(unknown.replace("987654321", BIG)).status_code == 404


def test_30_digit_ids_in_query_strings_and_forms_are_refused_cleanly(
    services_on: World, client_for: Any, english: None
) -> None:
    a = services_on.a
    teacher = client_for(a.teacher)
    compose = reverse("messaging:compose")
    for param in ("reply", "forward", "draft"):
        assert teacher.get(f"{compose}?{param}={BIG}").status_code == 404
    response = teacher.post(compose, {"subject": "x", "body": "y", "recipients": [f"user:{BIG}"]})
    assert response.status_code == 200 and "You may not write to some of the groups chosen" in response.content.decode()
    send(a.head, [f"user:{a.teacher.pk}"])
    inbox = reverse("messaging:inbox")
    assert teacher.get(f"{inbox}?after={BIG}.{BIG}").status_code == 200
    assert client_for(a.student).get(reverse("homework:todo") + f"?matiere={BIG}").status_code == 200
    assert client_for(a.head).get(reverse("timetable:lesson-list") + f"?classe={BIG}").status_code == 200
