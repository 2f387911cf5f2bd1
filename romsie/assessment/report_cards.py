"""Report cards as PDF: one per student and one file for the whole class, in the establishment's style.

:func:`generate_for_council` renders a council's report cards synchronously (the background
task and the demo call it); :func:`render_run` does the work of a :class:`ReportCardRun` already
created (the task started by ``tasks.report_cards_request`` calls it). Everything is read
first, in a fixed number of queries (``selectors.class_sheet``: results, absences, comments,
decisions), then each student's card is laid out and rendered with WeasyPrint; the class's
file is the students' pages put together, not a second rendering. The run's progress is
written after each card (one ``UPDATE`` per student: the progress bar reads it).

The new files replace the earlier ones in one transaction with their rows
(``core.uploads.atomic_with_files``): a failed write or transaction leaves the earlier report
cards as they were and no orphan file. Nothing is fetched from the network: the template
carries its own styles and no image.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from romsie.core.uploads import atomic_with_files, store_upload
from romsie.establishments.models import Establishment

from . import averages, selectors, services
from .models import AssessmentSettings, Council, Mention, ReportCard, ReportCardRun

logger = logging.getLogger(__name__)

PDF = "application/pdf"
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#1d4e89"


class RenderError(Exception):
    """A report card could not be rendered (the run is marked failed with the message)."""


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # Report cards are self-contained: a stray URL in a comment must not reach another server.
    raise ValueError(f"Report cards load no resource ({url}).")


@dataclass(frozen=True)
class CardLine:
    """A subject on a report card: teachers, the student's average, the class figures, the comment."""

    subject: str
    teachers: str
    average: str
    minimum: str
    maximum: str
    mean: str
    comment: str


@dataclass(frozen=True)
class Card:
    """What one student's report card shows."""

    student_id: int
    student_name: str
    lines: list[CardLine]
    overall: str
    half_days: int
    justified: int
    unjustified: int
    lateness: int
    general_comment: str
    mention: str
    decision: str


def shown(value: Decimal | None) -> str:
    """An average as printed: two decimals at most, a dash when there is none."""
    rounded = averages.rounded(value)
    if rounded is None:
        return "—"
    return number_format(rounded.quantize(Decimal(1)) if rounded == rounded.to_integral() else rounded)


def cards_of(sheet: selectors.ClassSheet) -> list[Card]:
    """Each student's card from a class sheet (no query)."""
    mentions = dict(Mention.choices)
    cards = []
    for student, subjects, overall in sheet.rows():
        lines = []
        for subject, average, comment in subjects:
            figures = subject.figures
            lines.append(
                CardLine(
                    subject.name,
                    subject.teachers,
                    shown(average),
                    shown(figures.minimum if figures else None),
                    shown(figures.maximum if figures else None),
                    shown(figures.mean if figures else None),
                    comment,
                )
            )
        totals = sheet.totals.get(student.pk)
        decision = sheet.decisions.get(student.pk)
        cards.append(
            Card(
                student.pk,
                f"{student.last_name.upper()} {student.first_name}".strip(),
                lines,
                shown(overall),
                totals.half_days if totals else 0,
                totals.justified if totals else 0,
                totals.unjustified if totals else 0,
                totals.lateness if totals else 0,
                decision.general_comment if decision else "",
                str(mentions.get(decision.mention, "")) if decision and decision.mention else "",
                decision.decision if decision else "",
            )
        )
    return cards


def _style(establishment_id: int) -> tuple[str, str]:
    """The establishment's heading and accent colour (a safe CSS hex colour)."""
    found = AssessmentSettings.objects.filter(establishment_id=establishment_id).first()
    heading = found.report_heading if found else ""
    colour = found.report_colour if found and COLOUR.match(found.report_colour or "") else DEFAULT_COLOUR
    return heading, colour


def card_html(*, council: Council, establishment: Establishment, heading: str, colour: str, card: Card) -> str:
    """The HTML of one student's report card, in the establishment's language."""
    validated_by = council.validated_by.get_full_name() if council.validated_by else ""
    context = {
        "council": council,
        "school_class": council.school_class,
        "period": council.period,
        "establishment": establishment,
        "heading": heading,
        "colour": colour,
        "card": card,
        "validated_by": validated_by,
    }
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("assessment/councils/report_card_pdf.html", context)


def _council(council_id: int) -> Council:
    return Council.objects.select_related("school_class", "period", "validated_by", "establishment").get(pk=council_id)


def render_run(run_id: int) -> ReportCardRun:
    """Render a run's report cards, store them and mark the run done (or failed with a message)."""
    run = ReportCardRun.objects.select_related("council").get(pk=run_id)
    if run.status not in (ReportCardRun.Status.QUEUED, ReportCardRun.Status.RUNNING):
        return run
    try:
        _render(run)
    except Exception as error:  # any failure is the run's, shown to the person who asked
        logger.exception("report cards: run %s failed", run.pk)
        message = str(error) if isinstance(error, RenderError) else _("The report cards could not be generated.")
        ReportCardRun.objects.filter(pk=run.pk).update(
            status=ReportCardRun.Status.FAILED, error=message[:500], finished_at=timezone.now()
        )
    run.refresh_from_db()
    return run


def _render(run: ReportCardRun) -> None:
    from weasyprint import HTML  # heavy import, only when printing

    council = _council(run.council_id)
    establishment = council.establishment
    sheet = selectors.class_sheet(school_class=council.school_class, period=council.period, council_id=council.pk)
    cards = cards_of(sheet)
    if not cards:
        raise RenderError(_("The class has no student: there is no report card to generate."))
    heading, colour = _style(establishment.pk)
    total = len(cards) + 1
    ReportCardRun.objects.filter(pk=run.pk).update(status=ReportCardRun.Status.RUNNING, total=total, done=0)
    documents = []
    files: list[tuple[int | None, str, bytes]] = []
    for card in cards:
        html = card_html(council=council, establishment=establishment, heading=heading, colour=colour, card=card)
        document = HTML(string=html, url_fetcher=_refuse_fetch).render()
        documents.append(document)
        files.append((card.student_id, _file_name(council, card.student_name), document.write_pdf()))
        ReportCardRun.objects.filter(pk=run.pk).update(done=F("done") + 1)
    pages = [page for document in documents for page in document.pages]
    whole = documents[0].copy(pages).write_pdf()
    files.append((None, _file_name(council, ""), whole))
    _store(council, files)
    ReportCardRun.objects.filter(pk=run.pk).update(
        status=ReportCardRun.Status.DONE, done=total, finished_at=timezone.now()
    )


def _file_name(council: Council, student_name: str) -> str:
    """``bulletin-<class>-<period>[-<student>].pdf``, letters, digits and dashes only."""
    parts = [_("report-card"), council.school_class.code or council.school_class.name, council.period.name]
    if student_name:
        parts.append(student_name)
    return "-".join(slugify(part) for part in parts if slugify(part))[:140] + ".pdf"


@atomic_with_files()
def _store(council: Council, files: list[tuple[int | None, str, bytes]]) -> None:
    """Replace the council's report cards by these files, rows and files together."""
    old = list(ReportCard.objects.filter(council_id=council.pk).values_list("file", flat=True))
    ReportCard.objects.filter(council_id=council.pk).delete()
    cards = []
    for student_id, name, content in files:
        card = ReportCard(
            establishment_id=council.establishment_id,
            council_id=council.pk,
            student_id=student_id,
            name=name,
            content_type=PDF,
            size_bytes=len(content),
        )
        store_upload(card, ContentFile(content, name=name))
        cards.append(card)
    ReportCard.objects.bulk_create(cards)
    services.marks_changed(student_id for student_id, _name, _content in files if student_id is not None)
    storage = ReportCard._meta.get_field("file").storage  # type: ignore[attr-defined]

    def discard_old() -> None:
        for name in old:
            if name:
                try:
                    storage.delete(name)
                except OSError as error:
                    logger.error("report cards: could not remove the replaced file %s: %s", name, error)

    transaction.on_commit(discard_old)


def generate_for_council(council: Council, *, requested_by: Any) -> ReportCardRun:
    """Render a council's report cards now (one per student and the class's file); return the run."""
    run = ReportCardRun.objects.create(
        establishment_id=council.establishment_id,
        council=council,
        requested_by=requested_by,
        status=ReportCardRun.Status.RUNNING,
    )
    return render_run(run.pk)
