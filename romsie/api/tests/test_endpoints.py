"""Every endpoint as every role: the API shows what the same person's web page shows, no more."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from romsie.core.testing.world import World
from romsie.identity.models import Role, RoleAssignment

from .builders import bearer, token_for

COLUMNS = [
    "student", "parent", "teacher", "partner", "head", "school_life",
    "librarian", "office", "after_school", "digital_lead", "territory",
]  # fmt: skip


def _ids(pattern: str) -> Callable[[str], set[int]]:
    return lambda html: {int(found) for found in re.findall(pattern, html)}


# endpoint, web page, ids in the page, ids in the API's answer
ENDPOINTS: list[tuple[str, str, Callable[[str], set[int]], Callable[[Any], set[int]]]] = [
    (
        "/api/v1/timetable/week",
        "timetable:week",
        _ids(r"/emploi-du-temps/seance/(\d+)/"),
        lambda body: {s["id"] for d in body["days"] for s in d["sessions"]},
    ),
    (
        "/api/v1/homework",
        "homework:todo",
        _ids(r'id="homework-(\d+)"'),
        lambda body: {h["id"] for h in body["homework"]},
    ),
    (
        "/api/v1/messages",
        "messaging:inbox",
        _ids(r"/messagerie/messages/(\d+)/"),
        lambda body: {m["id"] for m in body["messages"]},
    ),
    (
        "/api/v1/notifications",
        "notifications:notification-list",
        _ids(r'href="/notifications/(\d+)/"'),
        lambda body: {n["id"] for n in body["notifications"]},
    ),
    (
        "/api/v1/news",
        "news:item-list",
        _ids(r'href="/actualites/(\d+)/"'),
        lambda body: {n["id"] for n in body["news"]},
    ),
]


def _person(world: World, column: str) -> Any:
    return world.territory_admin if column == "territory" else world.a.people[column]


@pytest.mark.parametrize(("endpoint", "page", "page_ids", "api_ids"), ENDPOINTS, ids=[e[1] for e in ENDPOINTS])
def test_every_role_sees_in_the_api_what_its_page_shows(
    api_world: World, client_for: Any, endpoint: str, page: str, page_ids: Any, api_ids: Any
) -> None:
    seen: dict[str, tuple[int, int, int]] = {}
    for column in COLUMNS:
        person = _person(api_world, column)
        web = client_for(person).get(reverse(page))
        api = Client().get(endpoint, **bearer(token_for(person)))
        assert (web.status_code, api.status_code) in {(200, 200), (403, 403)}, (
            f"{column}: {web.status_code} {api.status_code}"
        )
        if api.status_code == 200:
            shown = page_ids(web.content.decode())
            assert api_ids(api.json()) == shown, f"{column} on {endpoint}"
            seen[column] = (web.status_code, api.status_code, len(shown))
    # The content is there for the people it is for (the walk is not vacuous).
    assert seen["student"][2] >= 1
    if page != "notifications:notification-list":
        assert seen["parent"][2] >= 1


def test_a_parent_reads_their_childs_week_and_not_another_establishments_child(
    api_world: World, a_content: dict[str, Any]
) -> None:
    a, c = api_world.a, api_world.c
    headers = bearer(token_for(a.parent))
    own = Client().get(f"/api/v1/timetable/week?child={a.student.pk}", **headers)
    assert own.status_code == 200
    assert a_content["session"].pk in {s["id"] for d in own.json()["days"] for s in d["sessions"]}
    for stranger in (c.student.pk, a.student2.pk, a.teacher.pk, 10**30):
        assert Client().get(f"/api/v1/timetable/week?child={stranger}", **headers).status_code in (404, 422)
    assert Client().get(f"/api/v1/homework?child={c.student.pk}", **headers).status_code == 404
    # A student naming a child: no such child for them.
    assert (
        Client().get(f"/api/v1/timetable/week?child={a.student.pk}", **bearer(token_for(a.student))).status_code == 404
    )


def test_the_week_shows_the_changes(api_world: World, a_content: dict[str, Any]) -> None:
    session = a_content["session"]
    session.status = "cancelled"
    session.change_note = "Sick"
    session.save()
    body = Client().get("/api/v1/timetable/week", **bearer(token_for(api_world.a.student))).json()
    shown = next(s for d in body["days"] for s in d["sessions"] if s["id"] == session.pk)
    assert shown["is_cancelled"] is True
    assert shown["change_note"] == "Sick"
    assert shown["subject"] == "Mathématiques"


def test_a_token_without_the_scope_gets_403(api_world: World) -> None:
    headers = bearer(token_for(api_world.a.student, ["news"]))
    for endpoint in ("/api/v1/timetable/week", "/api/v1/homework", "/api/v1/messages", "/api/v1/notifications"):
        response = Client().get(endpoint, **headers)
        assert response.status_code == 403, endpoint
        assert "scope" in response.json()["detail"]
    assert Client().get("/api/v1/news", **headers).status_code == 200
    assert Client().get("/api/v1/me", **headers).status_code == 200


def test_a_student_ticks_homework_done_and_a_parent_may_not(api_world: World, a_content: dict[str, Any]) -> None:
    from romsie.homework.models import HomeworkTick

    a, homework = api_world.a, a_content["homework"]
    url = f"/api/v1/homework/{homework.pk}/done"
    parent = Client().post(url, **bearer(token_for(a.parent)))
    assert parent.status_code == 403
    assert not HomeworkTick.objects.filter(homework=homework).exists()
    headers = bearer(token_for(a.student))
    assert Client().post(url, **headers).json() == {"id": homework.pk, "is_done": True}
    listed = Client().get("/api/v1/homework", **headers).json()["homework"]
    assert next(h for h in listed if h["id"] == homework.pk)["is_done"] is True
    assert Client().delete(url, **headers).json() == {"id": homework.pk, "is_done": False}
    assert not HomeworkTick.objects.filter(homework=homework).exists()
    # Another establishment's homework is not found, and nothing is ticked.
    other = api_world.c.__dict__["api_content"]["homework"]
    assert Client().post(f"/api/v1/homework/{other.pk}/done", **headers).status_code == 404
    assert not HomeworkTick.objects.exists()


def test_a_thread_and_unread_counts(api_world: World, a_content: dict[str, Any]) -> None:
    a = api_world.a
    headers = bearer(token_for(a.parent))
    assert Client().get("/api/v1/messages/unread", **headers).json()["inbox"] == 1
    message = a_content["message"]
    thread = Client().get(f"/api/v1/messages/{message.pk}/thread", **headers).json()
    assert [m["subject"] for m in thread["messages"]] == ["Sortie"]
    # Someone who did not receive it, or of another establishment: not found.
    assert Client().get(f"/api/v1/messages/{message.pk}/thread", **bearer(token_for(a.parent2))).status_code == 404
    assert (
        Client().get(f"/api/v1/messages/{message.pk}/thread", **bearer(token_for(api_world.c.parent))).status_code
        == 404
    )


def test_news_item_and_me(api_world: World, a_content: dict[str, Any]) -> None:
    a = api_world.a
    headers = bearer(token_for(a.parent))
    item = Client().get(f"/api/v1/news/{a_content['news'].pk}", **headers).json()
    assert item["title"] == "Rentrée"
    other = api_world.c.__dict__["api_content"]["news"]
    assert Client().get(f"/api/v1/news/{other.pk}", **headers).status_code == 404
    me = Client().get("/api/v1/me", **headers).json()
    assert me["establishment"]["uai"] == a.establishment.uai
    assert me["profiles"] == ["parent"]
    assert [c["id"] for c in me["children"]] == [a.student.pk]
    assert Client().get("/api/v1/notifications/unread", **bearer(token_for(a.student))).json() == {"unread": 1}


def test_a_person_of_two_establishments_chooses_where_the_api_answers(api_world: World) -> None:
    a, b, c = api_world.a, api_world.b, api_world.c
    teacher = a.teacher
    RoleAssignment.objects.create(user=teacher, establishment=b.establishment, role=Role.TEACHER)
    headers = bearer(token_for(teacher))
    me = Client().get("/api/v1/me", **headers).json()
    default = me["establishment"]["id"]
    assert sorted(e["id"] for e in me["establishments"]) == sorted([a.establishment.pk, b.establishment.pk])
    other = b.establishment.pk if default == a.establishment.pk else a.establishment.pk

    chosen = Client().get(f"/api/v1/me?establishment={other}", **headers).json()
    assert chosen["establishment"]["id"] == other
    assert Client().get(f"/api/v1/timetable/week?establishment={other}", **headers).status_code == 200
    assert Client().get("/api/v1/me", **headers).json()["establishment"]["id"] == default  # nothing remembered

    for wrong in (str(c.establishment.pk), "x", "-1", "9" * 30):  # not theirs, or not an id
        assert Client().get(f"/api/v1/me?establishment={wrong}", **headers).status_code == 404
