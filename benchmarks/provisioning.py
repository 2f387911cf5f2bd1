"""Benchmark the AAF import: 1,500 students, 3,000 guardians, 150 staff, into a fresh SQLite database.

Run: ``.venv/bin/python benchmarks/provisioning.py``. Reports the import time, rows per second,
the ratio to a plain ``bulk_create`` of the same users in the same run, and queries per batch.
Not part of the test suite.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

STUDENTS, GUARDIANS, STAFF = 1500, 3000, 150
UAI = "0771234A"
CLASSES = [f"{level}{letter}" for level in "6543" for letter in "ABCDEFGHIJ"][:40]


def _attr(name: str, *values: str) -> str:
    return f'<attr name="{name}">' + "".join(f"<value>{v}</value>" for v in values) + "</attr>"


def _request(category: str, ident: str, *attrs: str) -> str:
    return (
        f"<addRequest><operationalAttributes>{_attr('categoriePersonne', category)}</operationalAttributes>"
        f"<identifier><id>{ident}</id></identifier><attributes>{''.join(attrs)}</attributes></addRequest>"
    )


def write_feed(folder: Path) -> None:
    """Write a full AAF feed of one collège to ``folder``."""

    def write(kind: str, records: list[str]) -> None:
        body = "\n".join(records)
        (folder / f"ENT_Complet_20260901_{kind}_0000.xml").write_text(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ficAlimMENESR>\n{body}\n</ficAlimMENESR>\n'
        )

    write(
        "EtabEducNat",
        [
            _request(
                "Etablissement",
                UAI,
                _attr("ENTStructureUAI", UAI),
                _attr("ENTStructureNomCourant", "COLLEGE BENCH"),
                _attr("ENTStructureClasses", *(f"{c}${c}" for c in CLASSES)),
            )
        ],
    )
    write(
        "MatiereEducNat",
        [_request("MatiereEducNat", f"0{n}0000", _attr("ENTLibelleMatiere", f"S{n}")) for n in range(8)],
    )
    students = []
    for n in range(STUDENTS):
        cls = CLASSES[n % len(CLASSES)]
        students.append(
            _request(
                "Eleve",
                str(2_000_000 + n),
                _attr("sn", f"NOM{n}"),
                _attr("givenName", "Élève"),
                _attr("ENTEleveINE", f"{n:09d}AB"),
                _attr("ENTPersonStructRattach", UAI),
                _attr("ENTEleveClasses", f"{UAI}${cls}"),
                _attr("ENTElevePersRelEleve", f"{3_000_000 + 2 * n}$10$1$1$1$1", f"{3_000_001 + 2 * n}$20$1$1$1$1"),
            )
        )
    write("Eleve", students)
    guardians = [
        _request(
            "PersRelEleve",
            str(3_000_000 + n),
            _attr("sn", f"PARENT{n}"),
            _attr("givenName", "Alex"),
            _attr("mail", f"parent{n}@example.org"),
            _attr("ENTAuxPersRelEleveEleve", str(2_000_000 + n // 2)),
        )
        for n in range(GUARDIANS)
    ]
    write("PersRelEleve", guardians)
    staff = []
    for n in range(STAFF):
        cls = CLASSES[n % len(CLASSES)]
        staff.append(
            _request(
                "PersEducNat",
                str(9_000_000 + n),
                _attr("sn", f"PROF{n}"),
                _attr("givenName", "Sam"),
                _attr("mail", f"prof{n}@ac-exemple.fr"),
                _attr("ENTPersonFonctions", f"{UAI}$ENS$ENSEIGNEMENT$X$X"),
                _attr("ENTAuxEnsClassesMatieres", f"{UAI}${cls}$0{n % 8}0000"),
            )
        )
    write("PersEducNat", staff)


def main() -> None:
    var = tempfile.mkdtemp(prefix="romsie-bench-")
    os.environ["ROMSIE_VAR_DIR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from romsie.core.testing.factories import EstablishmentFactory
    from romsie.core.text import fold
    from romsie.identity.models import User
    from romsie.provisioning import engine, services

    EstablishmentFactory(uai=UAI)
    feed_dir = Path(var) / "feed"
    feed_dir.mkdir()
    write_feed(feed_dir)
    people = STUDENTS + GUARDIANS + STAFF

    started = time.perf_counter()
    feed = services.feed_read(services.feed_files([feed_dir]), format="aaf")
    parsed = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        plan, _run = services.import_apply(feed)
    elapsed = time.perf_counter() - started
    assert not plan.errors, plan.summary()
    batches = -(-people // engine.batch_size())
    writer_queries = len(queries)

    # The reference: the same users with one plain bulk_create, in a throwaway transaction.
    from django.contrib.auth.hashers import make_password

    unusable = make_password(None)
    rows = [
        User(
            username=f"bench.{n}",
            first_name="X",
            last_name=f"N{n}",
            external_id=f"bench:{n}",
            search_name=fold(f"n{n} x"),
            password=unusable,
        )
        for n in range(people)
    ]
    t0 = time.perf_counter()
    with transaction.atomic():
        User.objects.bulk_create(rows, batch_size=engine.batch_size())
        bulk = time.perf_counter() - t0
        transaction.set_rollback(True)

    rows_written = User.objects.count() + sum(
        n
        for kind, actions in plan.counts().items()
        if kind not in ("student", "guardian", "teacher", "staff")
        for n in actions.values()
    )
    print(f"people: {people} ({STUDENTS} students, {GUARDIANS} guardians, {STAFF} staff)")
    print(f"parse: {parsed - started:.2f} s; whole import (parse + plan + apply): {elapsed:.2f} s")
    print(f"people/s: {people / elapsed:.0f}; rows written/s (users + roles + links...): {rows_written / elapsed:.0f}")
    print(f"plain bulk_create of {people} users: {bulk:.2f} s -> import/bulk ratio {elapsed / bulk:.1f}x")
    print(f"queries: {writer_queries} for {batches} people batch(es) of {engine.batch_size()}")


if __name__ == "__main__":
    main()
