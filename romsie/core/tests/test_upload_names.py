"""File names: what a person uploads is kept under a clean name, or refused with a clear message."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError

from romsie.core.uploads import clean_file_name


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """The messages are read in English."""


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("rapport.pdf", "rapport.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\léa\\Bureau\\devoir.docx", "devoir.docx"),
        ("..\\..\\windows\\win.ini.txt", "win.ini.txt"),
        ("/absolute/path/notes.txt", "notes.txt"),
        ("  espaces autour.txt  ", "espaces autour.txt"),
        ("fin en points...", "fin en points"),
        ("Élève – exposé «final».odt", "Élève – exposé «final».odt"),
        ("console.txt", "console.txt"),
        ("CONTRAT.pdf", "CONTRAT.pdf"),
        ("x" * 251 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_a_name_is_kept_without_its_folders_and_surrounding_spaces(given: str, kept: str) -> None:
    assert clean_file_name(given) == kept


def test_a_name_typed_on_a_mac_is_the_same_as_on_windows() -> None:
    decomposed = unicodedata.normalize("NFD", "Élève.txt")
    assert decomposed != "Élève.txt"
    assert clean_file_name(decomposed) == "Élève.txt"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "A file needs a name."),
        ("   ", "A file needs a name."),
        ("dossier/", "A file needs a name."),
        (".", "is not a file name"),
        ("..", "is not a file name"),
        ("../..", "is not a file name"),
        ("...", "A file needs a name."),
        ("bonjour\x00.pdf", "cannot contain control characters"),
        ("ligne\nretour.txt", "cannot contain control characters"),
        ("tab\tulation.txt", "cannot contain control characters"),
        ("photo\u202egnp.exe", "cannot contain control characters"),
        ("demi\ud800.txt", "cannot contain control characters"),
        ("x" * 252 + ".pdf", "a file name has at most 255 characters"),
        ("CON", "reserved by Windows"),
        ("nul.txt", "reserved by Windows"),
        ("Com1.pdf", "reserved by Windows"),
        ("lpt9.tar.gz", "reserved by Windows"),
        ("aux .txt", "reserved by Windows"),
    ],
)
def test_a_dangerous_or_impossible_name_is_refused_with_a_reason(given: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        clean_file_name(given)
