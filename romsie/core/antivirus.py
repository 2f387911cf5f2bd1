"""Antivirus scans of uploaded files through clamd (ClamAV's daemon).

``scan(file)`` streams the file to clamd with its ``INSTREAM`` command and answers a
:class:`ScanResult`: ``clean``, ``infected`` (with the signature's name) or ``not_scanned``
(with the reason). ``not_scanned`` is a normal answer, never an exception: clamd is not
configured (``CLAMD_URL`` empty, the embedded default), cannot be reached, answered an error,
or the file is larger than ``CLAMD_MAX_BYTES`` (keep it at clamd's own ``StreamMaxLength``).
Whether a file that could not be scanned is accepted is decided by the caller
(``core.uploads.scan_upload`` reads ``CLAMD_REQUIRED``).

The protocol is clamd's documented one (``man clamd``), a few lines: the ``zINSTREAM`` command,
then the file as chunks each preceded by its length (4 bytes, network order), a zero length to
end, and one answer terminated by a NUL byte: ``stream: OK``, ``stream: <signature> FOUND`` or
``<message> ERROR``. The ``clamd`` package on PyPI speaks it too, but its last release dates from
2014, it has no time-outs per operation and no types; this module is shorter than the glue it
would need.

``CLAMD_URL``: ``unix:///run/clamav/clamd.ctl`` (Debian's socket) or ``tcp://127.0.0.1:3310``.
"""

from __future__ import annotations

import logging
import os
import socket
import struct
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
DEFAULT_MAX_BYTES = 25 * 1024 * 1024  # clamd's default StreamMaxLength
DEFAULT_TIMEOUT = 30.0
CONNECT_TIMEOUT = 2.0


class ScanStatus(StrEnum):
    CLEAN = "clean"
    INFECTED = "infected"
    NOT_SCANNED = "not_scanned"


@dataclass(frozen=True)
class ScanResult:
    """What the antivirus said of one file: ``signature`` when infected, ``reason`` when not scanned."""

    status: ScanStatus
    signature: str = ""
    reason: str = ""

    @property
    def is_infected(self) -> bool:
        return self.status is ScanStatus.INFECTED


class ClamdError(Exception):
    """clamd could not be reached or did not answer as expected."""


def _connect(url: str, timeout: float) -> socket.socket:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        address: Any = parts.path
    elif parts.scheme == "tcp" and parts.hostname and parts.port:
        sock = socket.socket(socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET, socket.SOCK_STREAM)
        address = (parts.hostname, parts.port)
    else:
        raise ClamdError(f"CLAMD_URL must be unix:///path or tcp://host:port, not {url!r}")
    sock.settimeout(min(CONNECT_TIMEOUT, timeout))
    try:
        sock.connect(address)
    except OSError as error:
        sock.close()
        raise ClamdError(f"cannot connect to clamd at {url}: {error}") from error
    sock.settimeout(timeout)
    return sock


def _answer(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0"):
        part = sock.recv(4096)
        if not part:
            break
        data += part
        if len(data) > 64 * 1024:
            raise ClamdError("clamd's answer is too long")
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def _size(file: IO[bytes]) -> int | None:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    try:
        position = file.tell()
        end = file.seek(0, os.SEEK_END)
        file.seek(position)
    except (AttributeError, OSError, ValueError):
        return None
    return end


def instream(file: IO[bytes], *, url: str, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Send ``file`` (from its start) to clamd and return its answer, e.g. ``stream: OK``."""
    with _connect(url, timeout) as sock:
        try:
            sock.sendall(b"zINSTREAM\0")
            file.seek(0)
            while chunk := file.read(CHUNK_BYTES):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
        except (BrokenPipeError, ConnectionResetError):
            # clamd closes the stream early when it exceeds its StreamMaxLength, and says why.
            pass
        except OSError as error:
            raise ClamdError(f"clamd at {url} stopped answering: {error}") from error
        finally:
            file.seek(0)
        try:
            return _answer(sock)
        except OSError as error:
            raise ClamdError(f"clamd at {url} stopped answering: {error}") from error


def scan(file: IO[bytes], *, url: str | None = None) -> ScanResult:
    """Scan ``file`` with clamd (``CLAMD_URL``); never raises, ``not_scanned`` says why it could not."""
    url = getattr(settings, "CLAMD_URL", "") if url is None else url
    if not url:
        return ScanResult(ScanStatus.NOT_SCANNED, reason="no antivirus configured (CLAMD_URL)")
    max_bytes = int(getattr(settings, "CLAMD_MAX_BYTES", DEFAULT_MAX_BYTES))
    size = _size(file)
    if size is not None and size > max_bytes:
        reason = f"{size} bytes, more than CLAMD_MAX_BYTES ({max_bytes})"
        logger.warning("antivirus: file not scanned: %s", reason)
        return ScanResult(ScanStatus.NOT_SCANNED, reason=reason)
    try:
        answer = instream(file, url=url, timeout=float(getattr(settings, "CLAMD_TIMEOUT", DEFAULT_TIMEOUT)))
    except ClamdError as error:
        logger.error("antivirus: file not scanned: %s", error)
        return ScanResult(ScanStatus.NOT_SCANNED, reason=str(error))
    verdict = answer.removeprefix("stream:").strip()
    if verdict == "OK":
        return ScanResult(ScanStatus.CLEAN)
    if verdict.endswith(" FOUND"):
        return ScanResult(ScanStatus.INFECTED, signature=verdict.removesuffix(" FOUND").strip())
    logger.error("antivirus: file not scanned, clamd answered %r", answer)
    return ScanResult(ScanStatus.NOT_SCANNED, reason=f"clamd answered {answer!r}")
