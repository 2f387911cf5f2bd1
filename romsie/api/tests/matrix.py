"""Permission-matrix rows of the family API and of the personal tokens pages.

The API accepts bearer tokens only: the matrix's clients are signed-in browsers without one,
so every endpoint answers 401 to all of them (405 to a method it does not take), whatever the
object; its own tests walk every endpoint as every role with a token (``test_endpoints.py``).
Only the OpenAPI description and its documentation page are public; ``/api/v1/`` itself is a
404 (django-ninja's root page). The tokens pages are any signed-in person's own (``own``: a
token of ``a``'s student; ``other``: one of ``c``'s student, revoked by nobody).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import World

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
api:token-list                      -      | 302  200  200  200  200  200  200  200  200  200  200  200
api:token-revoke                    own    | 302  405  405  405  405  405  405  405  405  405  405  405
api:token-revoke                    other  | 302  405  405  405  405  405  405  405  405  405  405  405
api-v1:api-root                     -      | 404  404  404  404  404  404  404  404  404  404  404  404
api-v1:openapi-json                 -      | 200  200  200  200  200  200  200  200  200  200  200  200
api-v1:openapi-view                 -      | 200  200  200  200  200  200  200  200  200  200  200  200
api-v1:me                           -      | 401  401  401  401  401  401  401  401  401  401  401  401
api-v1:timetable-week               -      | 401  401  401  401  401  401  401  401  401  401  401  401
api-v1:homework-list                -      | 401  401  401  401  401  401  401  401  401  401  401  401
api-v1:homework-tick                own    | 405  405  405  405  405  405  405  405  405  405  405  405
api-v1:homework-tick                other  | 405  405  405  405  405  405  405  405  405  405  405  405
api-v1:homework-untick              own    | 405  405  405  405  405  405  405  405  405  405  405  405
api-v1:homework-untick              other  | 405  405  405  405  405  405  405  405  405  405  405  405
api-v1:message-list                 -      | 401  401  401  401  401  401  401  401  401  401  401  401
api-v1:message-unread               -      | 401  401  401  401  401  401  401  401  401  401  401  401
api-v1:message-thread               own    | 401  401  401  401  401  401  401  401  401  401  401  401
api-v1:message-thread               other  | 401  401  401  401  401  401  401  401  401  401  401  401
api-v1:notification-list            -      | 401  401  401  401  401  401  401  401  401  401  401  401
api-v1:notification-unread          -      | 401  401  401  401  401  401  401  401  401  401  401  401
api-v1:news-list                    -      | 401  401  401  401  401  401  401  401  401  401  401  401
api-v1:news-detail                  own    | 401  401  401  401  401  401  401  401  401  401  401  401
api-v1:news-detail                  other  | 401  401  401  401  401  401  401  401  401  401  401  401
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
api:token-list                      -      | 302  200  200  200  200  200  200  200  200  200  200  200
api:token-revoke                    own    | 302  302+ 302  302  302  302  302  302  302  302  302  302
api:token-revoke                    other  | 302  302  302  302  302  302  302  302  302  302  302  302
api-v1:homework-tick                own    | 401  401  401  401  401  401  401  401  401  401  401  401
api-v1:homework-tick                other  | 401  401  401  401  401  401  401  401  401  401  401  401
"""


def _token(w: World, which: str) -> dict[str, Any]:
    from oauth2_provider.models import AccessToken

    from .builders import token_for

    owner = w.a.student if which == "own" else w.c.student
    secret = token_for(owner, ["news"])
    return {"pk": AccessToken.objects.get(token=secret).pk}


def _content(key: str, arg: str) -> Callable[[World, str], dict[str, Any]]:
    def build(w: World, which: str) -> dict[str, Any]:
        from .builders import content

        return {arg: content(w.a if which == "own" else w.c)[key].pk}

    return build


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "api:token-revoke": _token,
    "api-v1:homework-tick": _content("homework", "homework_id"),
    "api-v1:homework-untick": _content("homework", "homework_id"),
    "api-v1:message-thread": _content("message", "message_id"),
    "api-v1:news-detail": _content("news", "item_id"),
}
