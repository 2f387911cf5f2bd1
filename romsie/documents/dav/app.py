"""The WsgiDAV application behind ``/dav/``, built once per process.

WsgiDAV parses the WebDAV requests and answers them (PROPFIND, PROPPATCH, MKCOL, GET/HEAD,
PUT, DELETE, COPY, MOVE, LOCK/UNLOCK, ``If`` headers); :mod:`.provider` maps its paths to the
documents. Authentication is done before, by the Django view (:mod:`.views`): WsgiDAV's own
authenticator and directory browser are left out of its middleware.

Locks are kept where every worker sees them: in Redis (WsgiDAV's ``LockStorageRedis``) when
``REDIS_URL`` is set, as in production; otherwise in the process's memory (``LockStorageDict``),
which is right for the embedded default (``make run``: one process) and the tests, and wrong for
several gunicorn workers without Redis — production requires ``REDIS_URL`` anyway.
Properties (PROPPATCH) are kept in the database (``DeadProperty``), never by WsgiDAV.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from wsgidav.error_printer import ErrorPrinter
from wsgidav.lock_man.lock_storage import LockStorageDict
from wsgidav.request_resolver import RequestResolver
from wsgidav.wsgidav_app import WsgiDAVApp

from .provider import DocumentsProvider

#: where the endpoint is mounted (``config/urls.py``)
MOUNT_PATH = "/dav"

_app: WsgiDAVApp | None = None
_lock = threading.Lock()


def lock_storage() -> Any:
    """Redis when ``ROMSIE_DAV_REDIS_URL`` (default: ``REDIS_URL``) is set, else the process's memory."""
    url = getattr(settings, "ROMSIE_DAV_REDIS_URL", "")
    if not url:
        return LockStorageDict()
    from wsgidav.lock_man.lock_storage_redis import LockStorageRedis

    parts = urlsplit(url)
    db = parts.path.strip("/")
    return LockStorageRedis(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 6379,
        db=int(db) if db.isdigit() else 0,
        password=parts.password,
    )


def config() -> dict[str, Any]:
    return {
        "mount_path": MOUNT_PATH,
        "provider_mapping": {"/": DocumentsProvider()},
        "middleware_stack": [ErrorPrinter, RequestResolver],
        "lock_storage": lock_storage(),
        "property_manager": None,
        "http_authenticator": {"domain_controller": None, "accept_basic": True, "accept_digest": False},
        "simple_dc": {"user_mapping": {"*": True}},
        "dir_browser": {"enable": False},
        "hotfixes": {"re_encode_path_info": False, "unquote_path_info": False},
        "suppress_version_info": True,
        "add_header_MS_Author_Via": True,
        "block_size": 256 * 1024,
        "verbose": 1,
        "logging": {"enable": False},
    }


def application() -> WsgiDAVApp:
    """The process's WsgiDAV application (built at the first request)."""
    global _app
    if _app is None:
        with _lock:
            if _app is None:
                _app = WsgiDAVApp(config())
    return _app


def reset() -> None:
    """Forget the application (tests that change its settings)."""
    global _app
    with _lock:
        _app = None
