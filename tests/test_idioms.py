"""One idiom per job: the old ways of reading the scope, profiles, cache kinds and dates stay gone."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def sources() -> list[Path]:
    """The project's code, read when the test runs (not when it is collected)."""
    return sorted(p for p in (ROOT / "romsie").rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts)


FORBIDDEN = {
    "request.scope read with a type: ignore (type the request ScopedRequest)": re.compile(
        r"request\.scope.*# type: ignore"
    ),
    "a profile compared as a string (scope.is_student..., core.access.profiles)": re.compile(
        r"""["'](student|parent|teacher|partner|staff\.\w+)["']\s+(not\s+)?in\s+[\w.]*profiles\b"""
        r"""|p\s*==\s*["'](student|parent|teacher|partner)["']|\.startswith\(["']staff\.["']\)"""
    ),
    "a version kind as a bare string (versions.Kind)": re.compile(r"""versions\.(key|bump)\(\s*["']"""),
    "a date formatted by hand (django.utils.formats)": re.compile(r"""strftime\(["']%d|:%d/%m"""),
}
# Where the one idiom itself is defined.
ALLOWED = {"romsie/core/access/profiles.py"}


@pytest.mark.parametrize("rule", sorted(FORBIDDEN))
def test_no_second_idiom_comes_back(rule: str) -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sources()
        if str(path.relative_to(ROOT)) not in ALLOWED
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if FORBIDDEN[rule].search(line)
    ]
    assert found == [], f"{rule}: {found}"


def test_one_rich_text_editor() -> None:
    """Rich text is typed in core's editor: no app ships a second editor script."""
    editor = ROOT / "romsie/core/static/core/editor.js"
    scripts = sorted((ROOT / "romsie").rglob("*.js"))
    found = [
        str(path.relative_to(ROOT))
        for path in scripts
        if path != editor
        and re.search(r"contenteditable|contentEditable|execCommand|setRangeText|data-rich-text", path.read_text())
    ]
    assert found == [], f"a second rich-text editor (use core.forms.RichTextField): {found}"
