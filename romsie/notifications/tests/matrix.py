"""Permission-matrix rows of the notification pages (see tests/test_permission_matrix.py).

A notification belongs to one person, not to an establishment: "own" is a notification of
establishment a's teacher (only they may open it; everybody else gets 404), "other" one of
establishment c's teacher (404 to everybody in establishment a).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import World
from romsie.notifications.models import Notification

# url name                                object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
notifications:notification-list           -      | 302  200  200  200  200  200  200  200  200  200  200  200
notifications:notification-open           own    | 302  404  404  302  404  404  404  404  404  404  404  404
notifications:notification-open           other  | 302  404  404  404  404  404  404  404  404  404  404  404
notifications:notification-read-all       -      | 302  405  405  405  405  405  405  405  405  405  405  405
notifications:notification-preferences    -      | 302  200  200  200  200  200  200  200  200  200  200  200
"""

# url name                                object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
notifications:notification-read-all       -      | 302  302  302  302  302  302  302  302  302  302  302  302
notifications:notification-preferences    -      | 302  200  200  200  200  200  200  200  200  200  200  200
"""


def _notification(world: World, which: str) -> dict[str, Any]:
    owner = (world.a if which == "own" else world.c).teacher
    notification = Notification.objects.create(recipient=owner, kind="notifications.matrix", url="/")
    return {"pk": notification.pk}


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {"notifications:notification-open": _notification}
