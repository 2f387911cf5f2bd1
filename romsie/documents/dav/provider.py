"""The tree a person sees at ``/dav/``, over the documents' gate and services.

``/dav/`` is a folder of its own for each person (nothing of it is stored):

* ``Mes documents`` — their personal space;
* the class and team spaces they may open as a whole (``access.visible_spaces``), by the space's
  name;
* ``Partagés avec moi`` — the topmost files and folders shared with them in their current
  establishment (``access.matching_shares``), outside the spaces above.

Names are the people's own folder and file names (compared without case, as in the pages); two
entries of ``/dav/`` with the same name get "name (2)". Every read starts from those entries and
walks down by name, so nothing else is ever reached: another person's file, or another
establishment's, is simply not there (404). Every write goes through
:mod:`romsie.documents.services` (rights, names, quota, versions, trash), and a refusal becomes
the HTTP status a WebDAV client understands (:func:`dav_error`): read only → 403, quota → 507.

Locks and ``If`` headers are kept by WsgiDAV under a *reference URL*: here ``/<person's id>``
followed by the path in lower case, so that one person's ``/Mes documents/x`` is never another's.
A file shared with two people is locked by each in their own name (a limit worth knowing: a
lock warns the person's own other clients, not the others').
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree
from wsgidav import util, xml_tools
from wsgidav.dav_error import (
    HTTP_BAD_REQUEST,
    HTTP_CONFLICT,
    HTTP_FORBIDDEN,
    HTTP_INSUFFICIENT_STORAGE,
    HTTP_MEDIATYPE_NOT_SUPPORTED,
    HTTP_NOT_FOUND,
    HTTP_PRECONDITION_FAILED,
    HTTP_REQUEST_ENTITY_TOO_LARGE,
    DAVError,
)
from wsgidav.dav_provider import DAVCollection, DAVNonCollection, DAVProvider, _DAVResource

from romsie.core.access.scope import Scope
from romsie.core.errors import ApplicationError

from .. import access, names, services, spaces
from ..models import Node, Right, Space
from . import selectors as dav_selectors
from . import services as dav_services

logger = logging.getLogger(__name__)

#: keys of the WSGI environ: the person's scope (set by the view), the request's context
SCOPE_KEY = "romsie.scope"
CONTEXT_KEY = "romsie.dav"

# What a service's refusal (``ApplicationError.extra["code"]``) is in HTTP.
_STATUS = {
    "not_found": HTTP_NOT_FOUND,
    "forbidden": HTTP_FORBIDDEN,
    "quota": HTTP_INSUFFICIENT_STORAGE,
    "not_stored": HTTP_INSUFFICIENT_STORAGE,
    "refused_file": HTTP_MEDIATYPE_NOT_SUPPORTED,
    "name_taken": HTTP_PRECONDITION_FAILED,
    "name_empty": HTTP_BAD_REQUEST,
    "name_too_long": HTTP_BAD_REQUEST,
    "name_invalid": HTTP_BAD_REQUEST,
    "not_folder": HTTP_CONFLICT,
    "stale": HTTP_CONFLICT,
    "too_large": HTTP_REQUEST_ENTITY_TOO_LARGE,
}


def dav_error(error: ApplicationError) -> DAVError:
    """The WebDAV answer to a service's refusal, with its message for the person."""
    code = (error.extra or {}).get("code", "")
    return DAVError(_STATUS.get(code, HTTP_FORBIDDEN), context_info=str(error.message))


@contextlib.contextmanager
def refusals() -> Iterator[None]:
    """Turn a service's ``ApplicationError`` into the matching ``DAVError``."""
    try:
        yield
    except ApplicationError as error:
        raise dav_error(error) from error


def _folder_name(label: str) -> str:
    # The entries of /dav/ are named in the site's language (French), whatever the client's:
    # a path must not change with a browser's settings.
    with translation.override(settings.LANGUAGE_CODE):
        return _(label)


@dataclass
class Top:
    """An entry of ``/dav/``: a space's top folder, or the virtual "shared with me" folder."""

    name: str
    node: Node | None


class Context:
    """What one request knows: the person's scope, the entries of ``/dav/``, nodes' properties."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self._tops: dict[str, Top] | None = None
        self._shared: dict[str, Node] | None = None
        self._space_ids: set[int] = set()
        self.properties: dict[int, dict[tuple[str, str], str]] = {}

    def forget(self) -> None:
        """After a write: what was read may have changed."""
        self._shared = None
        self.properties.clear()

    def top(self, name: str) -> Top | None:
        """The entry of ``/dav/`` named ``name``; "Mes documents" alone costs one query."""
        if self._tops is None and names.name_key(name) == names.name_key(_folder_name("My documents")):
            personal = spaces.personal_space_for(self.scope)  # with its root folder
            root = personal.root
            if root is None:
                return None
            root.space = personal
            return Top(_folder_name("My documents"), root)
        return self.tops().get(names.name_key(name))

    def tops(self) -> dict[str, Top]:
        if self._tops is None:
            scope = self.scope
            personal = spaces.personal_space_for(scope)
            others = list(access.visible_spaces(scope).exclude(pk=personal.pk).order_by("kind", "name", "pk"))
            roots = {
                n.pk: n
                for n in Node.objects.select_related("space").filter(
                    pk__in=[personal.root_id, *(s.root_id for s in others)]
                )
            }
            entries: list[tuple[str, Node | None]] = [(_folder_name("My documents"), roots.get(personal.root_id or 0))]
            entries += [(s.name, roots.get(s.root_id or 0)) for s in others]
            entries.append((_folder_name("Shared with me"), None))
            tops: dict[str, Top] = {}
            for name, node in entries:
                if node is None and name != entries[-1][0]:
                    continue
                unique, n = name, 1
                while names.name_key(unique) in tops:
                    n += 1
                    unique = names.numbered(name, n)
                tops[names.name_key(unique)] = Top(unique, node)
            self._space_ids = {personal.pk, *(s.pk for s in others)}
            self._tops = tops
        return self._tops

    def shared(self) -> dict[str, Node]:
        """The topmost nodes shared with the person, outside the spaces they open whole, by name key."""
        if self._shared is None:
            self.tops()
            shares = access.matching_shares(self.scope).select_related("node__space").order_by("pk")
            candidates: dict[int, Node] = {}
            for share in shares:
                node = share.node
                if node.space_id not in self._space_ids and node.trashed_at is None:
                    candidates.setdefault(node.pk, node)
            above = {pk for node in candidates.values() for pk in node.ancestor_ids}
            trashed = set(Node.objects.filter(pk__in=above, trashed_at__isnull=False).values_list("pk", flat=True))
            found: dict[str, Node] = {}
            for node in candidates.values():
                if any(pk in candidates for pk in node.ancestor_ids):
                    continue  # reached through a folder shared above it
                if any(pk in trashed for pk in node.ancestor_ids):
                    continue  # in the trash through a folder above it
                unique, n = node.name, 1
                while names.name_key(unique) in found:
                    n += 1
                    unique = names.numbered(node.name, n)
                node.dav_name = unique  # type: ignore[attr-defined]
                found[names.name_key(unique)] = node
            self._shared = found
        return self._shared

    def load_properties(self, node_ids: list[int]) -> None:
        missing = [pk for pk in node_ids if pk not in self.properties]
        if missing:
            loaded = dav_selectors.dead_properties(missing)
            for pk in missing:
                self.properties[pk] = loaded.get(pk, {})


def context(environ: dict[str, Any]) -> Context:
    found = environ.get(CONTEXT_KEY)
    if found is None:
        found = environ[CONTEXT_KEY] = Context(environ[SCOPE_KEY])
    return found  # type: ignore[no-any-return]


def _children(folder: Node) -> list[Node]:
    return list(
        Node.objects.select_related("space", "current__blob")
        .filter(parent_id=folder.pk, trashed_at__isnull=True)
        .order_by("name_key", "pk")
    )


def _child(folder: Node, name: str) -> Node | None:
    return (
        Node.objects.select_related("space", "current__blob")
        .filter(parent_id=folder.pk, name_key=names.name_key(name), trashed_at__isnull=True)
        .first()
    )


def _split(name: str) -> tuple[str, str]:
    """``{namespace}name`` (Clark notation) → (namespace, name)."""
    if name.startswith("{"):
        namespace, _brace, local = name[1:].partition("}")
        return namespace, local
    return "", name


class _Resource(_DAVResource):
    """What every resource of the tree shares: the person's context and the reference URL."""

    ctx: Context

    def get_ref_url(self) -> str:
        keyed = "/".join(names.name_key(part) for part in self.get_preferred_path().split("/"))
        return quote(f"/{self.ctx.scope.user_id}{keyed}")

    def get_display_name(self) -> str:
        return str(self.name)

    def support_recursive_move(self, dest_path: str) -> bool:
        return True

    def support_recursive_delete(self) -> bool:
        return True


class _Virtual(_Resource, DAVCollection):
    """A folder of ``/dav/`` that is not stored: nothing can be written in it."""

    def __init__(self, path: str, environ: dict[str, Any]) -> None:
        DAVCollection.__init__(self, path, environ)
        self.ctx = context(environ)

    def get_member_names(self) -> list[str]:
        return [member.name for member in self.get_member_list()]

    def get_member(self, name: str) -> _DAVResource | None:
        return self.provider.get_resource_inst(util.join_uri(self.path, name), self.environ)

    def create_empty_resource(self, name: str) -> _DAVResource:
        raise DAVError(HTTP_FORBIDDEN, context_info=_("Put your files in one of the folders."))

    def create_collection(self, name: str) -> None:
        raise DAVError(HTTP_FORBIDDEN, context_info=_("Create your folders in one of the folders."))

    def delete(self) -> list[Any]:
        raise DAVError(HTTP_FORBIDDEN)

    def copy_move_single(self, dest_path: str, *, is_move: bool) -> None:
        raise DAVError(HTTP_FORBIDDEN)

    def move_recursive(self, dest_path: str) -> list[Any]:
        raise DAVError(HTTP_FORBIDDEN)

    def set_property_value(self, name: str, value: Any, *, dry_run: bool = False) -> Any:
        raise DAVError(HTTP_FORBIDDEN)


class Root(_Virtual):
    """``/dav/``: the person's spaces and "shared with me"."""

    def get_member_list(self) -> list[_DAVResource]:
        members: list[_DAVResource] = []
        for top in self.ctx.tops().values():
            path = util.join_uri("/", top.name)
            members.append(
                SharedWithMe(path, self.environ) if top.node is None else Folder(path, self.environ, top.node)
            )
        return members

    def get_used_bytes(self) -> int | None:
        top = next(iter(self.ctx.tops().values()))
        return top.node.space.used_bytes if top.node is not None else None

    def get_available_bytes(self) -> int | None:
        top = next(iter(self.ctx.tops().values()))
        return max(0, top.node.space.quota_bytes - top.node.space.used_bytes) if top.node is not None else None


class SharedWithMe(_Virtual):
    """``/dav/Partagés avec moi/``: what others shared with the person."""

    def get_member_list(self) -> list[_DAVResource]:
        members: list[_DAVResource] = []
        for node in self.ctx.shared().values():
            path = util.join_uri(self.path, node.dav_name)  # type: ignore[attr-defined]
            members.append(Folder(path, self.environ, node) if node.is_folder else File(path, self.environ, node))
        return members


class _Stored(_Resource):
    """A stored folder or file (a node), reached by walking down from an entry of ``/dav/``."""

    node: Node

    @property
    def scope(self) -> Scope:
        return self.ctx.scope

    def _access(self) -> access.NodeAccess:
        found = access.find_node(self.scope, self.node.pk)
        if found is None:
            raise DAVError(HTTP_NOT_FOUND)
        return found

    def _is_top(self) -> bool:
        return self.node.is_root or len([p for p in self.path.split("/") if p]) <= 1

    def get_creation_date(self) -> float | None:
        return self.node.created_at.timestamp()

    def get_last_modified(self) -> float | None:
        return self.node.modified_at.timestamp()

    # -- WebDAV properties (kept by node in the database) -----------------------------------

    def _properties(self) -> dict[tuple[str, str], str]:
        self.ctx.load_properties([self.node.pk])
        return self.ctx.properties[self.node.pk]

    def get_property_names(self, *, is_allprop: bool) -> list[str]:
        own = [f"{{{ns}}}{name}" if ns else name for ns, name in self._properties()]
        return [*super().get_property_names(is_allprop=is_allprop), *own]

    def get_property_value(self, name: str) -> Any:
        if name.startswith("{DAV:}"):
            return super().get_property_value(name)
        value = self._properties().get(_split(name))
        if value is None:
            raise DAVError(HTTP_NOT_FOUND)
        return xml_tools.string_to_xml(value)

    def set_property_value(self, name: str, value: Any, *, dry_run: bool = False) -> Any:
        if name.startswith("{DAV:}"):
            return super().set_property_value(name, value, dry_run=dry_run)
        namespace, local = _split(name)
        text = None if value is None else etree.tostring(value, encoding="unicode", with_tail=False)
        with refusals():
            if dry_run:
                dav_services.dead_property_check(
                    scope=self.scope, node=self.node, namespace=namespace, name=local, value=text
                )
            else:
                dav_services.dead_property_set(
                    scope=self.scope, node=self.node, namespace=namespace, name=local, value=text
                )
                self.ctx.properties.pop(self.node.pk, None)
        return None

    def remove_all_properties(self, *, recursive: bool) -> None:
        # Properties stay with the node: in the trash, and back with it when restored.
        return None

    # -- Deleting, copying, moving -----------------------------------------------------------

    def _destination(self, dest_path: str) -> tuple[Node, str]:
        """The folder (node) and the name a copy or move goes to."""
        parent = self.provider.get_resource_inst(util.get_uri_parent(dest_path) or "/", self.environ)
        if not isinstance(parent, Folder):
            raise DAVError(HTTP_FORBIDDEN if isinstance(parent, _Virtual) else HTTP_CONFLICT)
        return parent.node, unquote(util.get_uri_name(dest_path))

    def delete(self) -> list[Any]:
        if self._is_top():
            raise DAVError(HTTP_FORBIDDEN)
        with refusals():
            services.node_trash(scope=self.scope, node=self.node)
        self.remove_all_locks(recursive=True)
        self.ctx.forget()
        return []

    def move_recursive(self, dest_path: str) -> list[Any]:
        if self._is_top():
            raise DAVError(HTTP_FORBIDDEN)
        target, name = self._destination(dest_path)
        with refusals():
            services.node_move(scope=self.scope, node=self.node, target=target, name=name)
        self.remove_all_locks(recursive=True)
        self.ctx.forget()
        return []

    def copy_move_single(self, dest_path: str, *, is_move: bool) -> None:
        # Only copies come here (moves are recursive, above): a folder is created without its
        # content (WsgiDAV copies the members one by one after it), a file is copied whole.
        source_path = names.name_key(self.environ.get("PATH_INFO", "").rstrip("/"))
        if self.environ.get("HTTP_DEPTH") == "0" and names.name_key(self.path.rstrip("/")) != source_path:
            return  # Depth: 0 copies the folder itself, not what it holds
        target, name = self._destination(dest_path)
        existing = _child(target, name)
        with refusals():
            if self.node.is_folder:
                if existing is not None and existing.is_folder:
                    return  # a folder copied over a folder: the members are merged into it
                copy = services.folder_create(scope=self.scope, parent=target, name=name)
            else:
                if existing is not None:
                    services.node_trash(scope=self.scope, node=existing)
                copy = services.node_copy(scope=self.scope, node=self.node, target=target, name=name)
            dav_services.dead_properties_copy(scope=self.scope, source=self.node, target=copy)
        self.ctx.forget()


class Folder(_Stored, DAVCollection):
    """A stored folder (a space's top folder, or one of its folders)."""

    def __init__(self, path: str, environ: dict[str, Any], node: Node) -> None:
        DAVCollection.__init__(self, path, environ)
        self.ctx = context(environ)
        self.node = node

    def get_member_list(self) -> list[_DAVResource]:
        children = _children(self.node)
        self.ctx.load_properties([self.node.pk, *(c.pk for c in children)])
        return [
            Folder(util.join_uri(self.path, c.name), self.environ, c)
            if c.is_folder
            else File(util.join_uri(self.path, c.name), self.environ, c)
            for c in children
        ]

    def get_member_names(self) -> list[str]:
        return [c.name for c in _children(self.node)]

    def get_member(self, name: str) -> _DAVResource | None:
        child = _child(self.node, name)
        if child is None:
            return None
        path = util.join_uri(self.path, child.name)
        return Folder(path, self.environ, child) if child.is_folder else File(path, self.environ, child)

    def get_used_bytes(self) -> int | None:
        return self.node.space.used_bytes

    def get_available_bytes(self) -> int | None:
        return max(0, self.node.space.quota_bytes - self.node.space.used_bytes)

    def create_collection(self, name: str) -> None:
        with refusals():
            services.folder_create(scope=self.scope, parent=self.node, name=name)
        self.ctx.forget()

    def create_empty_resource(self, name: str) -> _DAVResource:
        """A file about to be written (PUT), or an empty file (LOCK on a new name)."""
        pending = File(util.join_uri(self.path, name), self.environ, None, parent=self.node)
        if self.environ.get("REQUEST_METHOD") == "LOCK":
            pending.write_empty()
        return pending


class _Upload:
    """What a PUT writes: spooled to a temporary file on disk, never held in memory."""

    def __init__(self, name: str, content_type: str | None, limit: int) -> None:
        self.file = TemporaryUploadedFile(name, content_type or "application/octet-stream", 0, None)
        self.limit = limit
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise DAVError(HTTP_INSUFFICIENT_STORAGE, context_info=_("Not enough room for this file."))
        self.file.write(data)

    def close(self) -> None:
        # WsgiDAV closes what it wrote to; the upload is stored by end_write.
        self.file.flush()


class File(_Stored, DAVNonCollection):
    """A stored file, or one being created by a PUT (``node`` None, ``parent`` its folder)."""

    def __init__(self, path: str, environ: dict[str, Any], node: Node | None, *, parent: Node | None = None) -> None:
        DAVNonCollection.__init__(self, path, environ)
        self.ctx = context(environ)
        self.node = node  # type: ignore[assignment]
        self.parent = parent
        self._upload: _Upload | None = None

    def _folder(self) -> Node:
        if self.parent is not None:
            return self.parent
        parent = Node.objects.select_related("space").filter(pk=self.node.parent_id).first()
        if parent is None:
            raise DAVError(HTTP_CONFLICT)
        return parent

    def get_content_length(self) -> int:
        return self.node.size_bytes if self.node is not None else 0

    def get_content_type(self) -> str:
        return (self.node.content_type if self.node is not None else "") or "application/octet-stream"

    def get_etag(self) -> str | None:
        if self.node is None or self.node.current_id is None:
            return None
        return f"{self.node.pk}-{self.node.current_id}"

    def support_etag(self) -> bool:
        return True

    def support_ranges(self) -> bool:
        return True

    def get_content(self) -> Any:
        if self.node is None or self.node.current is None:
            raise DAVError(HTTP_NOT_FOUND)
        try:
            return self.node.current.blob.file.open("rb")
        except FileNotFoundError as missing:
            raise DAVError(HTTP_NOT_FOUND) from missing

    def begin_write(self, *, content_type: str | None = None) -> _Upload:
        folder = self._folder()
        # Refused before the body is read: no right, or a declared length beyond the room left.
        with refusals():
            if self.node is not None:
                access.require(self._access(), Right.CONTRIBUTE)
            else:
                found = access.find_node(self.scope, folder.pk)
                if found is None:
                    raise DAVError(HTTP_CONFLICT)
                access.require(found, Right.CONTRIBUTE)
        space = Space.objects.filter(pk=folder.space_id).first()
        room = max(0, space.quota_bytes - space.used_bytes) if space is not None else 0
        declared = util.get_content_length(self.environ)
        if declared and declared > room:
            raise DAVError(HTTP_INSUFFICIENT_STORAGE, context_info=_("Not enough room for this file."))
        self._upload = _Upload(self.name, content_type, room)
        return self._upload

    def end_write(self, *, with_errors: bool) -> None:
        upload, self._upload = self._upload, None
        if upload is None:
            return
        try:
            if with_errors:
                return
            upload.file.size = upload.size
            upload.file.seek(0)
            self._store(upload.file)
        finally:
            upload.file.close()

    def write_empty(self) -> None:
        empty = TemporaryUploadedFile(self.name, "application/octet-stream", 0, None)
        try:
            self._store(empty)
        finally:
            empty.close()

    def _store(self, upload: TemporaryUploadedFile) -> None:
        folder = self._folder()
        with refusals():
            self.node = services.file_upload(
                scope=self.scope, folder=folder, upload=upload, name=self.name, replace=True
            )
        self.parent = folder
        self.ctx.forget()


class DocumentsProvider(DAVProvider):
    """Maps ``/dav/`` paths to the person's folders and files (see the module's docstring)."""

    def is_readonly(self) -> bool:
        return False

    def ref_url_to_path(self, ref_url: str) -> str:
        path = unquote(ref_url)
        _empty, _user, rest = path.partition("/")[2].partition("/")
        return "/" + rest

    def get_resource_inst(self, path: str, environ: dict[str, Any]) -> _DAVResource | None:
        self._count_get_resource_inst += 1
        ctx = context(environ)
        parts = [part for part in path.split("/") if part]
        if not parts:
            return Root("/", environ)
        top = ctx.top(parts[0])
        if top is None:
            return None
        node: Node | None = top.node
        rest = parts[1:]
        display = [top.name]
        if node is None:
            if not rest:
                return SharedWithMe("/" + top.name, environ)
            node = ctx.shared().get(names.name_key(rest[0]))
            if node is None:
                return None
            display.append(node.dav_name)  # type: ignore[attr-defined]
            rest = rest[1:]
        for part in rest:
            if not node.is_folder:
                return None
            node = _child(node, part)
            if node is None:
                return None
            display.append(node.name)
        resource_path = "/" + "/".join(display)
        return Folder(resource_path, environ, node) if node.is_folder else File(resource_path, environ, node)
