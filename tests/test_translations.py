"""The French catalogue is complete: no untranslated or fuzzy message, no format error."""

import subprocess
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_french_catalogue_is_complete_and_valid() -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr
    assert "untranslated" not in result.stderr, result.stderr


def test_french_dates_read_as_french_does() -> None:
    """Day and month names stay lower case: "lundi 30 novembre", not "Lundi 30 Novembre"."""
    import datetime

    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override("fr"):
        assert date_format(datetime.date(2026, 11, 30), "l j F") == "lundi 30 novembre"
        assert date_format(datetime.date(2026, 12, 5), "l j F Y") == "samedi 5 décembre 2026"
