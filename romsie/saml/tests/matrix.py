"""Permission-matrix rows of the saml app (columns: see ``tests/test_permission_matrix.py``).

Object kinds: an identity provider ``own`` (of territory ``north``, which the territory admin
administers) or ``other`` (of ``south``: 404 to them). Starting a sign-in is public for every
enabled provider, whatever its territory (the sign-in page shows them all): ``saml:login``
sends a visitor to the provider (302) and a signed-in person to the dashboard (302) for
``own`` and ``other`` alike. The assertion consumer service refuses an empty POST (403).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from romsie.core.testing.world import World
from romsie.saml.models import IdentityProvider

from .idp import LocalIdP

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
saml:metadata                               -      | 200  200  200  200  200  200  200  200  200  200  200  200
saml:acs                                    -      | 405  405  405  405  405  405  405  405  405  405  405  405
saml:login                                  own    | 302  302  302  302  302  302  302  302  302  302  302  302
saml:login                                  other  | 302  302  302  302  302  302  302  302  302  302  302  302
saml:provider-list                          -      | 302  403  403  403  403  403  403  403  403  403  403  200
saml:provider-create                        -      | 302  403  403  403  403  403  403  403  403  403  403  200
saml:provider-update                        own    | 302  403  403  403  403  403  403  403  403  403  403  200
saml:provider-update                        other  | 302  403  403  403  403  403  403  403  403  403  403  404
saml:provider-delete                        own    | 302  403  403  403  403  403  403  403  403  403  403  405
saml:provider-delete                        other  | 302  403  403  403  403  403  403  403  403  403  403  405
"""

# url name                                  object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
saml:metadata                               -      | 405  405  405  405  405  405  405  405  405  405  405  405
saml:acs                                    -      | 403  403  403  403  403  403  403  403  403  403  403  403
saml:login                                  own    | 405  405  405  405  405  405  405  405  405  405  405  405
saml:login                                  other  | 405  405  405  405  405  405  405  405  405  405  405  405
saml:provider-create                        -      | 302  403  403  403  403  403  403  403  403  403  403  200
saml:provider-update                        own    | 302  403  403  403  403  403  403  403  403  403  403  200
saml:provider-update                        other  | 302  403  403  403  403  403  403  403  403  403  403  404
saml:provider-delete                        own    | 302  403  403  403  403  403  403  403  403  403  403  302+
saml:provider-delete                        other  | 302  403  403  403  403  403  403  403  403  403  403  404
"""


@cache
def _idp() -> LocalIdP:
    folder = tempfile.mkdtemp(prefix="saml-matrix-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return LocalIdP(Path(folder))


def _provider(world: World, which: str) -> IdentityProvider:
    idp = _idp()
    territory = world.north if which == "own" else world.south
    return IdentityProvider.objects.create(
        territory=territory,
        slug=f"idp-{which}",
        name=f"IdP {which}",
        entity_id=idp.entity_id,
        metadata_xml=idp.metadata(),
    )


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "saml:login": lambda world, which: {"idp": _provider(world, which).slug},
    "saml:provider-update": lambda world, which: {"pk": _provider(world, which).pk},
    "saml:provider-delete": lambda world, which: {"pk": _provider(world, which).pk},
}
