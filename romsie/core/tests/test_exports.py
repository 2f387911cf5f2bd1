"""CSV exports neutralise spreadsheet formulas in every cell, header included."""

from __future__ import annotations

import csv
import io

import pytest

from romsie.core.exports import csv_response, csv_safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 6 12", "'+33 6 12"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Dupont", "Dupont"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (12, "12"),
        (-3, "'-3"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_quoted(value: object, expected: str) -> None:
    assert csv_safe_cell(value) == expected


def test_response_is_a_downloadable_csv_with_every_cell_neutralised() -> None:
    response = csv_response("report 2026/1.csv", ["=name", "line"], [["=1+1", 3], ["@x", None], ["Zoé", "-1"]])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="report20261.csv"'
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows == [["'=name", "line"], ["'=1+1", "3"], ["'@x", ""], ["Zoé", "'-1"]]


def test_xlsx_keeps_numbers_and_neutralises_text() -> None:
    from openpyxl import load_workbook

    from romsie.core.exports import xlsx_response

    response = xlsx_response(
        "rapport 6e/A.xlsx", ["Nom", "=total"], [["=cmd|' /C calc'!A0", 3], ["Léa", 2.5]], title="6e A/B [1]: *?"
    )
    assert response["Content-Disposition"] == 'attachment; filename="rapport6eA.xlsx"'
    assert response["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "6e A B  1"
    assert list(sheet.iter_rows(values_only=True)) == [
        ("Nom", "'=total"),
        ("'=cmd|' /C calc'!A0", 3),
        ("Léa", 2.5),
    ]
