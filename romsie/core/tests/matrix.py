"""Permission-matrix rows of the core's notification pages (see tests/test_permission_matrix.py).

A notification belongs to one person, not to an establishment: "own" is a notification of
establishment a's teacher (only they may open it; everybody else gets 404), "other" one of
establishment c's teacher (404 to everybody in establishment a).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.models import Notification
from romsie.core.testing.world import World

# url name                         object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
core:notification-list             -      | 302  200  200  200  200  200  200  200  200  200  200  200
core:notification-open             own    | 302  404  404  302  404  404  404  404  404  404  404  404
core:notification-open             other  | 302  404  404  404  404  404  404  404  404  404  404  404
core:notification-read-all         -      | 302  405  405  405  405  405  405  405  405  405  405  405
core:notification-preferences      -      | 302  200  200  200  200  200  200  200  200  200  200  200
"""

# url name                         object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
core:notification-read-all         -      | 302  302  302  302  302  302  302  302  302  302  302  302
"""


def _notification(world: World, which: str) -> dict[str, Any]:
    owner = (world.a if which == "own" else world.c).teacher
    notification = Notification.objects.create(recipient=owner, kind="core.matrix", url="/")
    return {"pk": notification.pk}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {"core:notification-open": _notification}
