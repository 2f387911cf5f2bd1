"""Small helpers shared by the provisioning tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from romsie.provisioning import services
from romsie.provisioning.plan import Plan

from .conftest import AAF_UAI, ONDE_UAI


def aaf_import(folder: Path, *, apply: bool = True, strict: bool = False) -> Plan:
    feed = services.feed_read(services.feed_files([folder]), format="aaf")
    plan, _run = services.import_apply(feed, strict=strict) if apply else services.import_preview(feed)
    return plan


def onde_import(folder: Path, *, apply: bool = True) -> Plan:
    feed = services.feed_read(services.feed_files([folder]), format="onde", uai=ONDE_UAI)
    plan, _run = services.import_apply(feed) if apply else services.import_preview(feed)
    return plan


class WriteCounter:
    """The INSERT/UPDATE/DELETE statements run, the import's own history row excepted."""

    def __init__(self, context: CaptureQueriesContext) -> None:
        self.context = context

    @property
    def writes(self) -> list[str]:
        return [
            q["sql"]
            for q in self.context.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
            and "provisioning_importrun" not in q["sql"]
        ]


@contextmanager
def count_writes() -> Iterator[WriteCounter]:
    with CaptureQueriesContext(connection) as context:
        yield WriteCounter(context)


def student_xml(
    ident: str, last: str, first: str, class_code: str, *, ine: str = "", tag: str = "addRequest", uai: str = AAF_UAI
) -> str:
    """Return one AAF student request, for hand-made delta files."""
    return (
        f'<{tag}><operationalAttributes><attr name="categoriePersonne"><value>Eleve</value></attr>'
        f"</operationalAttributes><identifier><id>{ident}</id></identifier><attributes>"
        f'<attr name="ENTPersonJointure"><value>{ident}</value></attr>'
        + (f'<attr name="ENTEleveINE"><value>{ine}</value></attr>' if ine else "")
        + f'<attr name="sn"><value>{last}</value></attr><attr name="givenName"><value>{first}</value></attr>'
        f'<attr name="ENTPersonStructRattach"><value>{uai}</value></attr>'
        f'<attr name="ENTEleveClasses"><value>{uai}${class_code}</value></attr>'
        f"</attributes></{tag}>"
    )


def aaf_file(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<ficAlimMENESR>\n{body}\n</ficAlimMENESR>\n')
    return path
