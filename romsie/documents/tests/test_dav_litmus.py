"""litmus (Debian's WebDAV compliance suite) against ``/dav/``: 100 % of basic, copymove, props, locks.

A live server (the real WSGI stack through Django's view) and one person with the documents
service; litmus works in a ``litmus`` folder it creates in their personal space.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from romsie.core.testing.concurrency import committed_db
from romsie.core.testing.factories import TEST_PASSWORD
from romsie.core.testing.world import World
from romsie.documents.dav.provider import _folder_name
from romsie.documents.tests.matrix import enable

pytestmark = [pytest.mark.dav, committed_db]

SUITES = "basic copymove props locks"
SUMMARY = re.compile(r"<- summary for `(\w+)': of (\d+) tests run: (\d+) passed, (\d+) failed\. ([\d.]+)%")


def run_litmus(url: str, username: str, password: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    litmus = shutil.which("litmus")
    if litmus is None:
        pytest.skip("litmus is not installed (Debian package litmus)")
    return subprocess.run(  # noqa: S603 (litmus, found on the PATH, with our own arguments)
        [litmus, "-k", url, username, password],
        env={**os.environ, "TESTS": SUITES},
        cwd=workdir,  # litmus writes its debug.log and child.log there
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        check=False,
    )


def test_litmus_passes_every_test_of_basic_copymove_props_and_locks(
    world: World, live_server: Any, tmp_path: Path
) -> None:
    enable(world.a)
    person = world.a.teacher
    url = f"{live_server.url}/dav/{quote(_folder_name('My documents'))}/"

    started = time.monotonic()
    result = run_litmus(url, person.username, TEST_PASSWORD, tmp_path)
    elapsed = time.monotonic() - started

    output = result.stdout + result.stderr
    summaries = {m[0]: (int(m[1]), int(m[2]), int(m[3])) for m in SUMMARY.findall(output)}
    failing = [line for line in output.splitlines() if re.search(r"\b(FAIL|WARNING)\b", line)]
    assert set(summaries) == set(SUITES.split()), output
    assert all(failed == 0 and passed == run for run, passed, failed in summaries.values()), "\n".join(failing)
    # Timing is for benchmarks, not tests (docs/testing.md): printed, for the record (-s).
    print(f"litmus: {sum(run for run, _p, _f in summaries.values())} tests in {elapsed:.1f} s")
