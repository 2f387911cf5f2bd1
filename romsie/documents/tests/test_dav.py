"""WebDAV refuses what the pages refuse, and writes through the same services (a plain HTTP client).

Requests go through the whole Django stack (middleware, the ``/dav`` view, WsgiDAV) with the test
client's ``generic``; each sends HTTP Basic credentials as a WebDAV client does.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import Client

from romsie.core.models import AuditEvent
from romsie.core.testing.factories import TEST_PASSWORD, scope_of
from romsie.documents import services, spaces
from romsie.documents.dav import app as dav_app
from romsie.documents.dav import services as dav_services
from romsie.documents.dav.provider import _folder_name
from romsie.documents.models import AppPassword, Blob, DeadProperty, FileVersion, Node, Right, Share, Space
from romsie.documents.tests.matrix import enable

pytestmark = pytest.mark.dav

MINE = SHARED = ""


@pytest.fixture(autouse=True)
def top_names() -> None:
    """The names of /dav/'s entries, in the site's language as the test runs."""
    global MINE, SHARED
    MINE, SHARED = _folder_name("My documents"), _folder_name("Shared with me")


TEXT = b"Le devoir de mercredi.\n"


@pytest.fixture(autouse=True)
def documents_on(world: Any) -> None:
    enable(world.a, world.b, world.c)


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def dav(
    method: str, path: str, user: Any = None, *, password: str = TEST_PASSWORD, body: bytes = b"", **headers: str
) -> tuple[int, bytes, Any]:
    """One WebDAV request as ``user`` (None: no credentials); returns (status, body, response)."""
    extra = {"HTTP_AUTHORIZATION": basic(user.username, password)} if user is not None else {}
    response = Client().generic(
        method, "/dav" + quote(path), data=body, content_type="application/octet-stream", **extra, **headers
    )
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, content, response


def upload(user: Any, name: str = "devoir.txt", data: bytes = TEXT, folder: Node | None = None) -> Node:
    scope = scope_of(user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    target = folder or spaces.personal_space_for(scope).root
    return services.file_upload(scope=scope, folder=target, upload=SimpleUploadedFile(name, data))


def share(node: Node, user: Any, granted_by: Any, establishment: Any, right: int = Right.READ) -> Share:
    return Share.objects.create(
        node=node, kind=Share.Kind.USER, user=user, right=right, establishment=establishment, granted_by=granted_by
    )


def state() -> tuple[Any, ...]:
    """Everything a refused request must leave as it was."""
    return (
        list(Node.objects.order_by("pk").values_list("pk", "name", "parent_id", "trashed_at", "current_id")),
        list(FileVersion.objects.order_by("pk").values_list("pk", "blob_id")),
        list(Space.objects.order_by("pk").values_list("pk", "used_bytes")),
        Blob.objects.count(),
    )


# -- Signing in ------------------------------------------------------------------------------


def test_without_credentials_the_answer_is_a_basic_challenge(world):
    status, _body, response = dav("PROPFIND", "/", HTTP_DEPTH="0")
    assert status == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="ROMSIE"')


def test_the_ent_password_opens_the_persons_root_with_their_spaces(world):
    status, body, _response = dav("PROPFIND", "/", world.a.student, HTTP_DEPTH="1")
    assert status == 207
    assert quote(MINE).encode() in body and quote(SHARED).encode() in body


def test_a_wrong_password_is_refused_and_five_failures_lock_the_username_like_the_sign_in(world):
    student = world.a.student
    for _attempt in range(4):
        assert dav("PROPFIND", "/", student, password="wrong password", HTTP_DEPTH="0")[0] == 401
    assert dav("PROPFIND", "/", student, password="wrong password", HTTP_DEPTH="0")[0] == 429
    # Locked: even the right password is refused until the lock ends.
    assert dav("PROPFIND", "/", student, HTTP_DEPTH="0")[0] == 429


def test_a_deactivated_account_is_refused_even_with_its_right_password(world):
    student = world.a.student
    student.is_active = False
    student.save(update_fields=["is_active"])
    assert dav("PROPFIND", "/", student, HTTP_DEPTH="0")[0] == 401


def test_a_remembered_sign_in_ends_when_the_password_changes(world):
    student = world.a.student
    assert dav("PROPFIND", "/", student, HTTP_DEPTH="0")[0] == 207
    assert any(key.startswith(":1:romsie:dav-auth:") for key in cache._cache)  # type: ignore[attr-defined]
    student.set_password("another long passphrase")
    student.save(update_fields=["password"])
    assert dav("PROPFIND", "/", student, HTTP_DEPTH="0")[0] == 401
    assert dav("PROPFIND", "/", student, password="another long passphrase", HTTP_DEPTH="0")[0] == 207


def test_without_the_documents_service_everything_is_forbidden(world):
    establishment = world.a.establishment
    establishment.enabled_services = [s for s in establishment.enabled_services if s != "documents"]
    establishment.save(update_fields=["enabled_services"])
    assert dav("PROPFIND", "/", world.a.student, HTTP_DEPTH="0")[0] == 403


# -- App passwords ---------------------------------------------------------------------------


def test_an_app_password_is_shown_once_works_for_webdav_and_stops_when_revoked(world, client_for):
    teacher = world.a.teacher
    page = client_for(teacher)
    response = page.post("/documents/mots-de-passe-d-application/", {"label": "Portable"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert dav_services.looks_like_app_password(secret)
    created = AppPassword.objects.get(user=teacher)
    assert created.secret_hash == dav_services.secret_digest(secret) and secret not in created.secret_hash
    assert page.get("/documents/mots-de-passe-d-application/").context["secret"] is None

    assert dav("PROPFIND", "/", teacher, password=secret, HTTP_DEPTH="0")[0] == 207
    created.refresh_from_db()
    assert created.last_used_at is not None

    assert page.post(f"/documents/mots-de-passe-d-application/{created.pk}/revoquer/").status_code == 302
    assert not AppPassword.objects.filter(pk=created.pk).exists()
    assert dav("PROPFIND", "/", teacher, password=secret, HTTP_DEPTH="0")[0] == 401
    actions = set(AuditEvent.objects.filter(actor_id=teacher.pk).values_list("action", flat=True))
    assert {"documents.app_password_create", "documents.app_password_revoke"} <= actions


def test_one_cannot_revoke_anothers_app_password(world, client_for):
    created, _secret = dav_services.app_password_create(scope=scope_of(world.a.teacher), label="Portable")
    response = client_for(world.a.student).post(f"/documents/mots-de-passe-d-application/{created.pk}/revoquer/")
    assert response.status_code == 302
    assert AppPassword.objects.filter(pk=created.pk).exists()


def test_an_app_password_of_a_deactivated_account_is_refused(world):
    teacher = world.a.teacher
    _created, secret = dav_services.app_password_create(scope=scope_of(teacher), label="Portable")
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])
    assert dav("PROPFIND", "/", teacher, password=secret, HTTP_DEPTH="0")[0] == 401


# -- Reading and writing through the services --------------------------------------------------


def test_put_creates_a_file_a_second_put_a_new_version_and_get_returns_it_with_etag_and_date(world):
    teacher = world.a.teacher
    status, _body, created = dav("PUT", f"/{MINE}/devoir.txt", teacher, body=TEXT)
    assert status == 201
    node = Node.objects.get(name="devoir.txt", space__owner=teacher)
    assert node.current.number == 1 and node.size_bytes == len(TEXT)

    assert dav("PUT", f"/{MINE}/devoir.txt", teacher, body=b"Version 2\n")[0] == 204
    node.refresh_from_db()
    assert node.versions.count() == 2 and node.current.number == 2
    assert Space.objects.get(pk=node.space_id).used_bytes == len(TEXT) + len(b"Version 2\n")

    status, body, response = dav("GET", f"/{MINE}/devoir.txt", teacher)
    assert status == 200 and body == b"Version 2\n"
    assert response["ETag"] and response["Last-Modified"]
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Disposition"] == "attachment"
    assert created["ETag"] != response["ETag"]


def test_mkcol_creates_a_folder_and_delete_puts_it_in_the_trash(world):
    teacher = world.a.teacher
    assert dav("MKCOL", f"/{MINE}/Cours", teacher)[0] == 201
    folder = Node.objects.get(name="Cours", space__owner=teacher)
    assert folder.is_folder
    assert dav("DELETE", f"/{MINE}/Cours", teacher)[0] == 204
    folder.refresh_from_db()
    assert folder.trashed_at is not None and folder.trashed_by_id == teacher.pk


def test_move_over_an_existing_file_needs_overwrite_and_puts_the_old_one_in_the_trash(world):
    teacher = world.a.teacher
    kept = upload(teacher, "a.txt")
    replaced = upload(teacher, "b.txt", b"old\n")
    destination = f"http://testserver/dav/{quote(MINE)}/b.txt"
    before = state()
    assert dav("MOVE", f"/{MINE}/a.txt", teacher, HTTP_DESTINATION=destination, HTTP_OVERWRITE="F")[0] == 412
    assert state() == before
    assert dav("MOVE", f"/{MINE}/a.txt", teacher, HTTP_DESTINATION=destination, HTTP_OVERWRITE="T")[0] == 204
    kept.refresh_from_db()
    replaced.refresh_from_db()
    assert kept.name == "b.txt" and replaced.trashed_at is not None


def test_copy_shares_the_stored_bytes_and_the_properties(world):
    teacher = world.a.teacher
    original = upload(teacher, "a.txt")
    DeadProperty.objects.create(
        node=original, namespace="urn:x", name="colour", value='<colour xmlns="urn:x">red</colour>'
    )
    destination = f"http://testserver/dav/{quote(MINE)}/copie.txt"
    assert dav("COPY", f"/{MINE}/a.txt", teacher, HTTP_DESTINATION=destination)[0] == 201
    copy = Node.objects.get(name="copie.txt", space__owner=teacher)
    assert copy.current.blob_id == original.current.blob_id
    assert DeadProperty.objects.filter(node=copy, namespace="urn:x", name="colour").exists()


PROPPATCH = b"""<?xml version="1.0" encoding="utf-8" ?>
<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:romsie:test">
  <D:set><D:prop><Z:colour>bleu</Z:colour></D:prop></D:set>
</D:propertyupdate>"""


def test_proppatch_keeps_a_property_in_the_database_and_it_follows_a_move(world):
    teacher = world.a.teacher
    node = upload(teacher, "a.txt")
    assert dav("PROPPATCH", f"/{MINE}/a.txt", teacher, body=PROPPATCH)[0] == 207
    stored = DeadProperty.objects.get(node=node)
    assert (stored.namespace, stored.name) == ("urn:romsie:test", "colour") and "bleu" in stored.value
    destination = f"http://testserver/dav/{quote(MINE)}/b.txt"
    assert dav("MOVE", f"/{MINE}/a.txt", teacher, HTTP_DESTINATION=destination)[0] == 201
    status, body, _response = dav("PROPFIND", f"/{MINE}/b.txt", teacher, HTTP_DEPTH="0")
    assert status == 207 and b"bleu" in body


# -- Refusals: what the pages refuse, WebDAV refuses ------------------------------------------


def test_another_persons_file_is_not_found_and_not_listed(world):
    secret = upload(world.a.teacher, "sujet.txt")
    student = world.a.student
    assert dav("GET", f"/{MINE}/sujet.txt", student)[0] == 404
    status, body, _response = dav("PROPFIND", f"/{SHARED}", student, HTTP_DEPTH="1")
    assert status == 207 and b"sujet" not in body
    assert Node.objects.get(pk=secret.pk).trashed_at is None


def test_a_read_only_share_reads_but_refuses_put_delete_and_move_with_403(world):
    teacher, student = world.a.teacher, world.a.student
    folder = services.folder_create(
        scope=scope_of(teacher), parent=spaces.personal_space_for(scope_of(teacher)).root, name="Sujets"
    )
    upload(teacher, "sujet.txt", folder=folder)
    share(folder, student, teacher, world.a.establishment, Right.READ)
    path = f"/{SHARED}/Sujets/sujet.txt"
    status, body, _response = dav("GET", path, student)
    assert status == 200 and body == TEXT

    before = state()
    assert dav("PUT", path, student, body=b"mine now\n")[0] == 403
    assert dav("PUT", f"/{SHARED}/Sujets/new.txt", student, body=b"new\n")[0] == 403
    assert dav("DELETE", path, student)[0] == 403
    destination = f"http://testserver/dav/{quote(SHARED)}/Sujets/renamed.txt"
    assert dav("MOVE", path, student, HTTP_DESTINATION=destination)[0] == 403
    assert dav("MKCOL", f"/{SHARED}/Sujets/Mine", student)[0] == 403
    assert dav("PROPPATCH", path, student, body=PROPPATCH)[0] in (207, 403)
    assert state() == before
    assert not DeadProperty.objects.exists()


def test_a_contribute_share_lets_the_person_add_a_file(world):
    teacher, student = world.a.teacher, world.a.student
    folder = services.folder_create(
        scope=scope_of(teacher), parent=spaces.personal_space_for(scope_of(teacher)).root, name="Rendus"
    )
    share(folder, student, teacher, world.a.establishment, Right.CONTRIBUTE)
    assert dav("PUT", f"/{SHARED}/Rendus/copie.txt", student, body=TEXT)[0] == 201
    assert Node.objects.filter(parent=folder, name="copie.txt").exists()


def test_a_share_made_in_another_establishment_is_not_found(world):
    teacher, student = world.a.teacher, world.a.student
    node = upload(teacher, "sujet.txt")
    share(node, student, teacher, world.c.establishment, Right.MANAGE)
    assert dav("GET", f"/{SHARED}/sujet.txt", student)[0] == 404
    status, body, _response = dav("PROPFIND", f"/{SHARED}", student, HTTP_DEPTH="1")
    assert status == 207 and b"sujet" not in body


def test_another_establishments_class_space_is_not_found(world):
    space = spaces.class_space_for(world.a.school_class)
    upload(world.a.teacher, "cours.txt", folder=space.root)
    outsider = world.c.teacher
    assert dav("GET", f"/{space.name}/cours.txt", outsider)[0] == 404
    status, body, _response = dav("PROPFIND", "/", outsider, HTTP_DEPTH="1")
    assert status == 207 and quote(space.name).encode() not in body


def test_a_full_quota_is_507_and_stores_nothing(world):
    teacher = world.a.teacher
    space = spaces.personal_space_for(scope_of(teacher))
    Space.objects.filter(pk=space.pk).update(quota_bytes=10)
    before = state()
    assert dav("PUT", f"/{MINE}/gros.txt", teacher, body=b"x" * 100)[0] == 507
    assert state() == before


def test_the_virtual_folders_take_no_file(world):
    spaces.personal_space_for(scope_of(world.a.teacher))
    before = state()
    assert dav("PUT", "/loose.txt", world.a.teacher, body=TEXT)[0] == 403
    assert dav("MKCOL", f"/{SHARED}/Mine", world.a.teacher)[0] == 403
    assert dav("DELETE", f"/{MINE}", world.a.teacher)[0] == 403
    assert state() == before


def test_a_binary_file_without_extension_is_refused_like_on_the_pages(world):
    spaces.personal_space_for(scope_of(world.a.teacher))
    before = state()
    assert dav("PUT", f"/{MINE}/programme", world.a.teacher, body=b"\x7fELF\x00\x00binary")[0] == 415
    assert state() == before


# -- Cost and shared locks -------------------------------------------------------------------


#: a folder of "Mes documents" listed (PROPFIND Depth: 1) by a person whose sign-in is
#: remembered: the person, their personal space, the walk down, the folder's entries and their
#: WebDAV properties, and what the scope's cache and the session read — whatever the number of entries
LISTING_QUERIES = 5


@pytest.mark.parametrize("files", [1, 30])
def test_listing_a_folder_costs_the_same_queries_for_1_or_30_files(world, files, django_assert_num_queries):
    teacher = world.a.teacher
    folder = services.folder_create(
        scope=scope_of(teacher), parent=spaces.personal_space_for(scope_of(teacher)).root, name="Cours"
    )
    for n in range(files):
        upload(teacher, f"cours-{n}.txt", folder=folder)
    dav("PROPFIND", "/", teacher, HTTP_DEPTH="0")  # the sign-in is remembered from here on
    with django_assert_num_queries(LISTING_QUERIES):
        status, body, _response = dav("PROPFIND", f"/{MINE}/Cours", teacher, HTTP_DEPTH="1")
    assert status == 207 and body.count(b"<D:response>") + body.count(b"<ns0:response>") >= files


LOCK_BODY = b"""<?xml version="1.0" encoding="utf-8" ?>
<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>
<D:owner>test</D:owner></D:lockinfo>"""
REDIS_FOR_TESTS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_locks(settings):
    """WebDAV's locks in a real Redis (skipped without one), as in production."""
    import redis

    client = redis.Redis.from_url(REDIS_FOR_TESTS, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.ROMSIE_DAV_REDIS_URL = REDIS_FOR_TESTS
    dav_app.reset()
    yield client
    dav_app.reset()


def test_a_lock_taken_through_one_worker_holds_in_another_with_redis(world, redis_locks):
    teacher = world.a.teacher
    upload(teacher, "verrou.txt")
    path = f"/{MINE}/verrou.txt"
    status, _body, locked = dav("LOCK", path, teacher, body=LOCK_BODY, HTTP_TIMEOUT="Second-60")
    assert status == 200
    token = locked["Lock-Token"]
    try:
        dav_app.reset()  # another worker: its own WsgiDAV application, the same Redis
        assert dav("PUT", path, teacher, body=b"x\n")[0] == 423
        assert dav("PUT", path, teacher, body=b"x\n", HTTP_IF=f"({token})")[0] == 204
    finally:
        assert dav("UNLOCK", path, teacher, HTTP_LOCK_TOKEN=token)[0] == 204
    assert dav("PUT", path, teacher, body=b"y\n")[0] == 204


def test_the_class_space_is_an_entry_read_by_its_students_and_written_by_its_teacher(world):
    space = spaces.class_space_for(world.a.school_class)
    upload(world.a.head, "cours.txt", folder=space.root)
    student, teacher = world.a.student, world.a.teacher
    status, body, _response = dav("PROPFIND", "/", student, HTTP_DEPTH="1")
    assert status == 207 and quote(space.name).encode() in body
    assert dav("GET", f"/{space.name}/cours.txt", student)[1] == TEXT
    before = state()
    assert dav("PUT", f"/{space.name}/mine.txt", student, body=TEXT)[0] == 403
    assert state() == before
    assert dav("PUT", f"/{space.name}/exercices.txt", teacher, body=TEXT)[0] == 201


def test_a_propfind_of_a_whole_tree_is_refused(world):
    status, body, _response = dav("PROPFIND", "/", world.a.teacher)
    assert status == 403 and b"propfind-finite-depth" in body
