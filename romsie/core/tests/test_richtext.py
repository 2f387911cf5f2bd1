"""The one rich-text sanitiser: what people type is stored safe, links carry nofollow."""

from __future__ import annotations

import pytest

from romsie.core.richtext import clean_rich_text, has_text

HOSTILE = (
    '<p onclick="steal()">Bonjour <script>alert(1)</script><b>important</b></p>'
    '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">piège</a>'
    '<a href="https://example.org" onmouseover="x()">lien</a><iframe src="https://evil"></iframe>'
    "<style>p{display:none}</style><blockquote>cité</blockquote>"
)


def test_scripts_handlers_and_dangerous_links_are_stripped() -> None:
    html = clean_rich_text(HOSTILE)
    for forbidden in (
        "<script",
        "alert(",
        "onclick",
        "onerror",
        "onmouseover",
        "javascript:",
        "<img",
        "<iframe",
        "<style",
    ):
        assert forbidden not in html
    assert "<b>important</b>" in html and "<blockquote>cité</blockquote>" in html


def test_links_get_nofollow_and_noopener() -> None:
    html = clean_rich_text('<p><a href="https://example.org" rel="author" target="_blank">lien</a></p>')
    assert html == '<p><a href="https://example.org" rel="noopener noreferrer nofollow">lien</a></p>'


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Bonjour,\n\nÀ demain <3 & bonne", "<p>Bonjour,</p>\n\n<p>À demain &lt;3 &amp; bonne</p>"),
        ("Un <b>mot</b>\nligne\n\nDeux", "<p>Un <b>mot</b><br>ligne</p><p>Deux</p>"),
        ("   ", ""),
    ],
)
def test_plain_text_and_inline_markup_become_paragraphs(typed: str, stored: str) -> None:
    assert clean_rich_text(typed) == stored


def test_markup_without_text_has_no_text() -> None:
    assert not has_text(clean_rich_text("<script>x()</script><p> &nbsp; </p>"))
    assert has_text(clean_rich_text("<p>oui</p>"))
