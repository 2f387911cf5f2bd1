"""The OpenAPI description: served, browsable with local assets, and honoured (schemathesis).

Schemathesis generates requests from the description served at ``/api/v1/schema/`` and sends
them to the WSGI application with a valid token carrying every scope: no answer may be a
server error, or differ from what the description declares (status, headers, body).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings

from romsie.core.testing.world import World

from .builders import token_for


def test_the_schema_is_openapi_3_and_public(db: None) -> None:
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    week = schema["paths"]["/api/v1/timetable/week"]["get"]
    assert {"200", "401", "403", "404", "422", "429"} <= set(week["responses"])
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    # Every authenticated endpoint declares the establishment it may be asked to answer in.
    operations = [op for item in schema["paths"].values() for op in item.values()]
    assert operations and all(op.get("security") for op in operations)
    for operation in operations:
        chosen = [p for p in operation["parameters"] if p["name"] == "establishment"]
        assert chosen == [{**chosen[0], "in": "query", "required": False}], operation["operationId"]


def test_the_documentation_page_uses_local_assets_only(db: None) -> None:
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


@contextlib.contextmanager
def connections_kept() -> Iterator[None]:
    """Keep the test's database connection across the WSGI requests, as Django's test client does.

    A WSGI handler closes a connection that is inside a transaction when each request ends
    (``close_old_connections``), and the test runs in one: PostgreSQL's would be gone.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_api_honours_its_description(api_world: World) -> None:
    """Each operation, a few generated requests with a student's token: no server error, no schema violation."""
    headers = {"Authorization": f"Bearer {token_for(api_world.a.student)}"}
    with connections_kept():
        api = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
        operations = [result.ok() for result in api.get_all_operations()]
        assert len(operations) >= 10

        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
            )
            def check(case: Any) -> None:
                case.call_and_validate(headers=headers)

            check()
