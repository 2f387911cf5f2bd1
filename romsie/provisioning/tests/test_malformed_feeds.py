"""Bad files: each is refused with a clear message, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation
from lxml import etree

from romsie.establishments.models import Establishment
from romsie.identity.models import User
from romsie.provisioning import aaf, services
from romsie.provisioning.records import FeedError

from .helpers import aaf_file, aaf_import, count_writes, student_xml

pytestmark = pytest.mark.django_db
NAME = "ENT_Complet_20260901_Eleve_0000.xml"


def read_error(folder: Path) -> str:
    # Messages are checked in English; the French catalogue is checked by tests/test_translations.py.
    with translation.override("en"), count_writes() as counter, pytest.raises(FeedError) as caught:
        aaf_import(folder)
    assert counter.writes == []
    assert User.objects.count() == 0
    return str(caught.value)


def test_external_entity_is_refused_and_never_read(college: Establishment, tmp_path: Path) -> None:
    (tmp_path / NAME).write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        "<ficAlimMENESR>" + student_xml("1", "&xxe;", "A", "6A") + "</ficAlimMENESR>"
    )
    message = read_error(tmp_path)
    assert "DTD" in message and "root:" not in message


def test_truncated_file_is_rejected_whole(college: Establishment, aaf_dir: Path) -> None:
    path = aaf_dir / NAME
    path.write_bytes(path.read_bytes()[:-2000])
    message = read_error(aaf_dir)
    assert NAME in message and "truncated" in message


def test_wrong_encoding_is_detected(college: Establishment, tmp_path: Path) -> None:
    aaf_file(tmp_path, NAME, student_xml("1", "GUÉRIN", "Zoé", "6A"))
    path = tmp_path / NAME
    path.write_bytes(path.read_text().encode("iso-8859-1"))  # declared UTF-8, written Latin-1
    assert "encoding" in read_error(tmp_path)


def test_utf16_csv_is_refused(primary_school: Establishment, tmp_path: Path) -> None:
    path = tmp_path / "CSVExtraction-eleves.csv"
    path.write_bytes("INE;Nom Elève\r\n".encode("utf-16"))
    with pytest.raises(FeedError, match="UTF-16"):
        services.feed_read([path], format="onde", uai="0771111B")


def test_empty_file_is_refused(college: Establishment, tmp_path: Path) -> None:
    (tmp_path / NAME).write_bytes(b"")
    assert "empty" in read_error(tmp_path)


def test_file_over_the_size_limit_is_refused(college: Establishment, aaf_dir: Path, settings: object) -> None:
    settings.PROVISIONING_MAX_FILE_BYTES = 1000  # type: ignore[attr-defined]
    assert "limit" in read_error(aaf_dir)


def _import_one(tmp_path: Path, body: str, *, strict: bool = False) -> object:
    aaf_file(tmp_path, NAME, body)
    aaf_file(
        tmp_path,
        "ENT_Complet_20260901_EtabEducNat_0000.xml",
        "<addRequest><identifier><id>0771234A</id></identifier><attributes>"
        '<attr name="ENTStructureUAI"><value>0771234A</value></attr>'
        '<attr name="ENTStructureClasses"><value>6A$6A</value></attr></attributes></addRequest>',
    )
    return aaf_import(tmp_path, strict=strict)


def test_missing_required_attribute_skips_the_record(college: Establishment, tmp_path: Path) -> None:
    body = student_xml("1", "", "Zoé", "6A").replace('<attr name="sn"><value></value></attr>', "")
    plan = _import_one(tmp_path, body)
    (problem,) = plan.errors  # type: ignore[attr-defined]
    assert "sn" in problem.message and problem.file == NAME and problem.line == 3
    assert User.objects.count() == 0


def test_bad_email_is_ignored_with_a_warning(college: Establishment, tmp_path: Path) -> None:
    body = student_xml("1", "MARTIN", "Zoé", "6A").replace(
        "</attributes>", '<attr name="mail"><value>not-an-email</value></attr></attributes>'
    )
    plan = _import_one(tmp_path, body)
    (problem,) = plan.warnings  # type: ignore[attr-defined]
    assert "not-an-email" in problem.message and problem.line == 3
    assert User.objects.get().email == ""


def test_unknown_class_skips_the_student(college: Establishment, tmp_path: Path) -> None:
    plan = _import_one(tmp_path, student_xml("1", "MARTIN", "Zoé", "9Z"))
    (problem,) = plan.errors  # type: ignore[attr-defined]
    assert "9Z" in problem.message and problem.line == 3
    assert User.objects.count() == 0


def test_strict_mode_writes_nothing_when_any_record_is_in_error(college: Establishment, tmp_path: Path) -> None:
    body = student_xml("1", "MARTIN", "Zoé", "9Z") + "\n" + student_xml("2", "DUPONT", "Léo", "6A")
    with count_writes() as counter:
        plan = _import_one(tmp_path, body, strict=True)
    assert plan.errors  # type: ignore[attr-defined]
    assert counter.writes == []


# -- the XML prolog and the parser's settings (XXE, billion laughs) --

_ATTACK_DTD = (
    '<!DOCTYPE ficAlimMENESR [<!ENTITY xxe SYSTEM "file://{secret}">'
    '<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)
_ATTACK_BODY = (
    "<ficAlimMENESR><addRequest><identifier><id>&xxe;</id></identifier><attributes>"
    '<attr name="sn"><value>&lol3;</value></attr></attributes></addRequest></ficAlimMENESR>\n'
)


@pytest.mark.parametrize("comment_bytes", [70_000, 3 * 64 * 1024 + 1])
def test_a_dtd_hidden_after_a_long_comment_is_refused(
    college: Establishment, tmp_path: Path, comment_bytes: int
) -> None:
    (tmp_path / NAME).write_text(
        '<?xml version="1.0"?>\n<!--' + "x" * comment_bytes + "-->\n<?pi data?>\n<!-- - -->\n"
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        "<ficAlimMENESR>" + student_xml("1", "&xxe;", "A", "6A") + "</ficAlimMENESR>"
    )
    assert "DTD" in read_error(tmp_path)


def test_a_file_with_a_long_comment_and_no_dtd_is_read(college: Establishment, tmp_path: Path) -> None:
    """The prolog scan stops at the root element: a comment or a mention of DOCTYPE inside is fine."""
    aaf_file(tmp_path, NAME, "")
    path = tmp_path / NAME
    text = path.read_text().replace(
        "<ficAlimMENESR>", "<!-- <!DOCTYPE in a comment " + "y" * 70_000 + " -->\n<ficAlimMENESR>"
    )
    path.write_text(text.replace("</ficAlimMENESR>", student_xml("1", "DUPONT", "Ana", "6A") + "</ficAlimMENESR>"))
    feed = services.feed_read([path], format="aaf")
    assert [r.last_name for r in feed.people.values()] == ["DUPONT"]


def test_the_parser_never_loads_a_dtd_nor_expands_entities() -> None:
    assert aaf.PARSER_OPTIONS == {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "huge_tree": False,
        "remove_comments": True,
    }


def test_the_parser_expands_no_external_entity_nor_billion_laughs_even_past_the_prolog_check(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    path = tmp_path / NAME
    path.write_text('<?xml version="1.0"?>\n' + _ATTACK_DTD.format(secret=secret) + _ATTACK_BODY)
    # The file is a real attack: lxml's defaults read the secret and expand the entities.
    _event, default = next(iter(etree.iterparse(str(path), events=("end",), tag="addRequest")))
    assert default.findtext("identifier/id") == "TOP-SECRET" and len(default.findtext("attributes/attr/value")) == 300

    # Our parser (reached directly, without the prolog check) expands nothing and reads no file.
    requests = aaf._iter_requests(path)
    tag, _line, element = next(requests)  # read before the parser frees the element
    content = etree.tostring(element).decode()
    assert tag == "addRequest"
    assert "TOP-SECRET" not in content and "lollol" not in content
    assert element.findtext("identifier/id") == "" and element.findtext("attributes/attr/value") == ""
    assert next(requests, None) is None
