"""CSV and XLSX exports: THE way every spreadsheet file the ENT hands out is written.

A spreadsheet opening a CSV runs a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula
(and a leading tab or carriage return can hide such a character), so a name typed by anyone
could run a formula on the machine of whoever opens the export ("CSV injection"). Every cell
goes through :func:`csv_safe_cell`, which prefixes such a cell with a single quote; write exports
with :func:`csv_response` (a download) or :func:`csv_write` (any text stream) rather than with
``csv.writer`` directly. :func:`xlsx_response` writes the same header and rows as an Excel
workbook (``openpyxl``), every text cell neutralised the same way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, TextIO

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value: Any) -> str:
    """Return a cell's text, neutralised with a leading ``'`` when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_write(stream: TextIO, header: Iterable[Any], rows: Iterable[Iterable[Any]], *, delimiter: str = ";") -> None:
    """Write a header and rows to ``stream``, every cell neutralised (``;``: what French spreadsheets expect)."""
    writer = csv.writer(stream, delimiter=delimiter)
    writer.writerow([csv_safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_safe_cell(cell) for cell in row])


def csv_response(
    filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]], *, delimiter: str = ";"
) -> HttpResponse:
    """Return a CSV download (UTF-8 with BOM so spreadsheets read accents), never cached."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv_write(buffer, header, rows, delimiter=delimiter)
    return _download(buffer.getvalue().encode("utf-8"), "text/csv; charset=utf-8", filename, "export.csv")


def _download(content: bytes, content_type: str, filename: str, fallback: str) -> HttpResponse:
    """A file download under a safe name, never cached."""
    response = HttpResponse(content, content_type=content_type)
    safe_name = "".join(c for c in filename if c.isalnum() or c in "-_.") or fallback
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["Cache-Control"] = "no-store"
    return response


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]], *, title: str = ""
) -> HttpResponse:
    """Return an XLSX download of one sheet: numbers stay numbers, text is neutralised like a CSV cell."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    # A sheet's name has at most 31 characters, none of the backslash, / ? * [ ] : (Excel's rule).
    name = "".join(" " if c in "\\/?*[]:" else c for c in title).strip()[:31] or "Export"
    sheet = workbook.create_sheet(title=name)
    sheet.append([csv_safe_cell(cell) for cell in header])
    for row in rows:
        sheet.append(
            [
                cell if isinstance(cell, (int, float)) and not isinstance(cell, bool) else csv_safe_cell(cell)
                for cell in row
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _download(buffer.getvalue(), XLSX_CONTENT_TYPE, filename, "export.xlsx")
