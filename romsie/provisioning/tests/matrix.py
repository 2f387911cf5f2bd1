"""URL arguments of the import pages, for ``tests/test_permission_matrix.py``.

``own`` is a run of establishment ``a``, ``other`` one of establishment ``c``: those who
import people (head, digital lead) get a 404 for the latter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import World
from romsie.provisioning.models import ImportRun

# url name                               object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
provisioning:run-list                    -      | 302  403  403  403  403  200  403  403  403  403  200  403
provisioning:run-upload                  -      | 302  403  403  403  403  200  403  403  403  403  200  403
provisioning:run-detail                  own    | 302  403  403  403  403  200  403  403  403  403  200  403
provisioning:run-detail                  other  | 302  403  403  403  403  404  403  403  403  403  404  403
provisioning:run-mapping                 own    | 302  403  403  403  403  200  403  403  403  403  200  403
provisioning:run-mapping                 other  | 302  403  403  403  403  404  403  403  403  403  404  403
provisioning:run-apply                   own    | 302  403  403  403  403  405  403  403  403  403  405  403
provisioning:run-apply                   other  | 302  403  403  403  403  405  403  403  403  403  405  403
provisioning:run-progress                own    | 302  403  403  403  403  200  403  403  403  403  200  403
provisioning:run-progress                other  | 302  403  403  403  403  404  403  403  403  403  404  403
provisioning:run-report                  own    | 302  403  403  403  403  200  403  403  403  403  200  403
provisioning:run-report                  other  | 302  403  403  403  403  404  403  403  403  403  404  403
provisioning:run-resume                  own    | 302  403  403  403  403  405  403  403  403  403  405  403
provisioning:run-resume                  other  | 302  403  403  403  403  405  403  403  403  403  405  403
"""

# url name                               object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
provisioning:run-upload                  -      | 302  403  403  403  403  200  403  403  403  403  200  403
provisioning:run-mapping                 own    | 302  403  403  403  403  200  403  403  403  403  200  403
provisioning:run-mapping                 other  | 302  403  403  403  403  404  403  403  403  403  404  403
provisioning:run-apply                   own    | 302  403  403  403  403  302  403  403  403  403  302  403
provisioning:run-apply                   other  | 302  403  403  403  403  404  403  403  403  403  404  403
provisioning:run-resume                  own    | 302  403  403  403  403  302  403  403  403  403  302  403
provisioning:run-resume                  other  | 302  403  403  403  403  404  403  403  403  403  404  403
"""


def _run(world: World, which: str, **values: Any) -> dict[str, Any]:
    establishment = (world.a if which == "own" else world.c).establishment
    run = ImportRun.objects.create(establishment=establishment, created_by=world.a.head, **values)
    return {"pk": run.pk}


def _preview(world: World, which: str) -> dict[str, Any]:
    return _run(world, which, source="onde", mode=ImportRun.Mode.PREVIEW, status=ImportRun.Status.SUCCEEDED)


def _csv_waiting_for_columns(world: World, which: str) -> dict[str, Any]:
    return _run(
        world,
        which,
        source="csv",
        mode=ImportRun.Mode.PREVIEW,
        status=ImportRun.Status.MAPPING,
        storage_paths=["provisioning/matrix/people.csv"],
        details={"headers": ["Nom", "Prénom", "Statut"]},
    )


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "provisioning:run-detail": _preview,
    "provisioning:run-mapping": _csv_waiting_for_columns,
    "provisioning:run-apply": _preview,
    "provisioning:run-progress": _preview,
    "provisioning:run-report": _preview,
    "provisioning:run-resume": _preview,
}
