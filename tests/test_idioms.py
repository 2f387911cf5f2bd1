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
    "a set of profiles written as strings (core.access.profiles: Profile, FAMILIES, STAFF_AND_TEACHERS)": re.compile(
        r"""\{\s*["'](student|parent|teacher|partner|staff\.\w+)["']\s*[,}]"""
    ),
    "a role filtered as a string (identity.models.Role)": re.compile(r"""(?<!Q\()(\b|__)role(__in)?=["']"""),
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


PROFILE_LITERAL = re.compile(r"""["'](student|parent|teacher|partner|staff\.\w+)["']""")


def test_habilitations_name_profiles_by_constant() -> None:
    """Rights and access declarations name profiles through ``core.access.profiles``, never as strings.

    A misspelt ``"staff.heda"`` would grant nobody (or, in ``adjustable``, let nobody be
    adjusted) without an error; ``Profile.STAFF_HEAD`` fails at import.
    """
    declarations = [
        *sorted((ROOT / "romsie").glob("*/habilitations.py")),
        *sorted(p for p in (ROOT / "romsie/core/access").glob("*.py") if p.name != "profiles.py"),
    ]
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in declarations
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PROFILE_LITERAL.search(line)
    ]
    assert found == [], f"a profile written as a string (use Profile.X, FAMILIES, STAFF...): {found}"


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


def templates() -> list[Path]:
    return sorted((ROOT / "romsie").rglob("templates/**/*.html"))


# base.html links core's own sheet (and icons, the manifest); everything else goes through the tag.
CSS_LINKED_ANOTHER_WAY = re.compile(r"""<link\b[^>]*stylesheet|\.css["']|\{%\s*block\s+head\b|\{%\s*stylesheets\b""")
# The app's sheet, then (a page that shows other apps' blocks) the sheets those blocks declare.
THE_ONE_WAY = re.compile(r"""^\{% block app_css %\}\{% stylesheets( "[\w/.-]+\.css")+( \w+)? %\}\{% endblock %\}$""")


def test_style_sheets_are_linked_one_way() -> None:
    """A page links its app's CSS with ``{% block app_css %}{% stylesheets "<app>/<app>.css" %}``, nothing else.

    No ``<link>`` in a partial or in the page's body (a sheet linked mid-page, or twice), no
    ``{% block head %}`` for CSS; the dashboard links its widgets' sheets from ``Widget.css``.
    """
    base = ROOT / "romsie/core/templates/base.html"
    dashboard = ROOT / "romsie/core/templates/core/dashboard.html"  # {% stylesheets widget_css %}
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in templates()
        if path not in (base, dashboard)
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if CSS_LINKED_ANOTHER_WAY.search(line) and not THE_ONE_WAY.match(line)
    ]
    assert found == [], f"CSS linked another way than the app_css block and the stylesheets tag: {found}"


def test_every_page_of_an_app_with_a_style_sheet_links_it() -> None:
    """Each page (a template extending base.html) of an app with ``static/<app>/<app>.css`` links it."""
    missing = []
    for sheet in sorted((ROOT / "romsie").glob("*/static/*/*.css")):
        app = sheet.parent.name
        if app == "core" or sheet.stem != app:
            continue
        sheet_tag = rf'{{% stylesheets "{app}/{app}.css"( \w+)? %}}'
        wanted = re.compile(rf"^{{% block app_css %}}{sheet_tag}{{% endblock %}}$", re.MULTILINE)
        for page in sorted((ROOT / "romsie" / app / "templates" / app).glob("*.html")):
            text = page.read_text()
            if text.startswith('{% extends "base.html" %}') and not wanted.search(text):
                missing.append(str(page.relative_to(ROOT)))
    assert missing == [], f"pages that do not link their app's style sheet: {missing}"
