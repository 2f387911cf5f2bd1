"""Uploads are checked by kind, size, content and, for archives, what they unpack to (a zip bomb is refused)."""

from __future__ import annotations

import copy
import io
import os
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from romsie.core import uploads
from romsie.core.antivirus import ScanStatus
from romsie.core.uploads import ALLOWED_WIDE, check_upload, inspect_upload

MIB = 1024 * 1024


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """The messages are read in English."""


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document>' + b"<w:p>Bonjour</w:p>" * 2000 + b"</w:document>",
        }
    )


def test_the_name_is_cleaned_on_the_upload_itself() -> None:
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.7\n")
    upload.name = "dossier\\..\\  sortie.pdf "
    assert check_upload(upload) == "application/pdf"
    assert upload.name == "sortie.pdf"


def test_a_bad_name_is_refused_before_anything_else() -> None:
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.7\n")
    upload.name = "NUL.pdf"
    with pytest.raises(ValidationError, match="reserved by Windows"):
        check_upload(upload)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("cours.zip", _zip({"a.txt": b"abc"}), "application/zip"),
        ("vide.zip", _zip({}), "application/zip"),
        ("schema.odg", _zip({"mimetype": b"application/vnd.oasis.opendocument.graphics"}), None),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "application/octet-stream",
        ),
        ("page.html", b"<html><script>alert(1)</script></html>", "application/octet-stream"),
        ("page.htm", b"<p>bonjour</p>", "application/octet-stream"),
        ("video.mp4", b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00", "video/mp4"),
        ("son.m4a", b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", "audio/mp4"),
        ("son.ogg", b"OggS\x00\x02" + b"\x00" * 20, "audio/ogg"),
        ("video.webm", b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01", "video/webm"),
    ],
)
def test_a_storage_space_accepts_more_kinds_and_never_serves_svg_or_html_as_themselves(
    name: str, content: bytes, content_type: str | None
) -> None:
    with pytest.raises(ValidationError, match="this kind of file is not accepted"):
        check_upload(SimpleUploadedFile(name, content))
    found = check_upload(SimpleUploadedFile(name, content), allowed=ALLOWED_WIDE)
    assert found == (content_type or ALLOWED_WIDE[name.rsplit(".", 1)[1]][0])
    assert "svg" not in found and "html" not in found


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("video.mp4", b"MZ\x90\x00 not a video at all"),
        ("son.ogg", b"ID3\x03"),
        ("video.webm", b"RIFF....WEBP"),
        ("cours.zip", b"MZ\x90\x00"),
        ("logo.svg", b"<svg>\x00\x01</svg>"),
    ],
)
def test_new_kinds_are_checked_by_their_leading_bytes(name: str, content: bytes) -> None:
    with pytest.raises(ValidationError, match="does not"):
        check_upload(SimpleUploadedFile(name, content), allowed=ALLOWED_WIDE)


def test_a_larger_limit_can_be_asked_for_and_the_default_stays_readable_at_call_time(monkeypatch: Any) -> None:
    content = b"%PDF-1.7\n" + b"0" * (12 * MIB)
    with pytest.raises(ValidationError, match="is too large"):
        check_upload(SimpleUploadedFile("gros.pdf", content))
    assert check_upload(SimpleUploadedFile("gros.pdf", content), max_bytes=500 * MIB) == "application/pdf"
    monkeypatch.setattr(uploads, "MAX_BYTES", 20 * MIB)
    assert check_upload(SimpleUploadedFile("gros.pdf", content)) == "application/pdf"


def test_inspect_says_the_clean_name_the_size_and_that_nothing_scanned_it_without_an_antivirus() -> None:
    checked = inspect_upload(SimpleUploadedFile("../notes.txt", b"bonjour"))
    assert (checked.name, checked.content_type, checked.size) == ("notes.txt", "text/plain", 7)
    assert checked.scan.status is ScanStatus.NOT_SCANNED and "CLAMD_URL" in checked.scan.reason


# -- Archives ----------------------------------------------------------------------------------------


def test_a_normal_office_document_is_accepted() -> None:
    assert check_upload(SimpleUploadedFile("lettre.docx", _docx())).endswith("wordprocessingml.document")


def test_a_zip_bomb_is_refused_with_a_clear_message() -> None:
    buffer = io.BytesIO()
    block = bytes(MIB)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("zeros.bin", "w") as entry,
    ):
        for _ in range(100):
            entry.write(block)
    bomb = buffer.getvalue()
    assert len(bomb) < 200 * 1024  # 100 MB of zeros in about 100 KB
    for name in ("cadeau.zip", "rapport.docx"):
        with pytest.raises(ValidationError, match="unpacks to far more than its size"):
            check_upload(SimpleUploadedFile(name, bomb), allowed=ALLOWED_WIDE)


def test_a_small_very_compressible_file_is_not_taken_for_a_bomb() -> None:
    blank = _zip({"sheet.xml": b"<c/>" * (4 * MIB)})  # 16 MB of a blank sheet
    assert check_upload(SimpleUploadedFile("vide.xlsx", blank)).endswith("spreadsheetml.sheet")


def _lying_zip(entries: int = 1, declared: int = 0) -> bytes:
    """A zip whose directory declares ``declared`` bytes for each entry (what a crafted bomb does)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for n in range(entries):
            archive.writestr(f"f{n}.txt", b"x")
        if declared:
            for info in archive.filelist:
                info.file_size = declared
    return buffer.getvalue()


def test_an_archive_declaring_more_than_a_gigabyte_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"would take 1\.2\S* ?GB once unpacked \(at most 1\.0\S* ?GB\)"):
        check_upload(SimpleUploadedFile("gros.zip", _lying_zip(entries=20, declared=60 * MIB)), allowed=ALLOWED_WIDE)


def test_an_archive_of_too_many_files_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"holds too many files \(10001; at most 10000\)"):
        check_upload(SimpleUploadedFile("milliers.zip", _lying_zip(entries=10_001)), allowed=ALLOWED_WIDE)
    assert check_upload(SimpleUploadedFile("beaucoup.zip", _lying_zip(entries=2_000)), allowed=ALLOWED_WIDE)


@pytest.mark.parametrize("entry", ["../../home/evil.sh", "/etc/cron.d/evil", "C:/Windows/evil.dll", "a/../../b.txt"])
def test_an_archive_holding_a_path_that_leaves_it_is_refused(entry: str) -> None:
    with pytest.raises(ValidationError, match="holds a file whose path leaves the archive"):
        check_upload(SimpleUploadedFile("cours.zip", _zip({"ok.txt": b"1", entry: b"2"})), allowed=ALLOWED_WIDE)


def test_an_archive_whose_entries_share_their_data_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", b"a" * 100_000)
        twin = copy.copy(archive.filelist[0])
        twin.filename = twin.orig_filename = "b.txt"
        archive.filelist.append(twin)
    with pytest.raises(ValidationError, match="unpacks to far more than its size"):
        check_upload(SimpleUploadedFile("double.zip", buffer.getvalue()), allowed=ALLOWED_WIDE)


@pytest.mark.parametrize("content", [b"PK\x03\x04rest", b"PK\x03\x04" + os.urandom(5000)])
def test_a_damaged_archive_is_refused(content: bytes) -> None:
    with pytest.raises(ValidationError, match=r"is damaged: it cannot be read as a \.docx file"):
        check_upload(SimpleUploadedFile("lettre.docx", content))


# -- Large files: the checks read the head and the archive's directory, not the whole file ---------------


class CountingFile(io.RawIOBase):
    """A file that counts the bytes read from it."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = self.wrapped.read(size)
        self.bytes_read += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.wrapped.seek(offset, whence)

    def tell(self) -> int:
        return self.wrapped.tell()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True


def _on_disk(name: str, write: Any) -> tuple[TemporaryUploadedFile, CountingFile]:
    upload = TemporaryUploadedFile(name, "application/octet-stream", 0, None)
    write(upload.file)
    upload.size = upload.file.tell()
    upload.file.seek(0)
    counting = CountingFile(upload.file)
    upload.file = counting  # type: ignore[assignment]
    return upload, counting


def test_checking_a_large_file_reads_only_its_head() -> None:
    def write(file: Any) -> None:
        file.write(b"\x00\x00\x00\x18ftypisom")
        for _ in range(40):
            file.write(os.urandom(MIB))

    upload, counting = _on_disk("film.mp4", write)
    try:
        assert check_upload(upload, max_bytes=500 * MIB, allowed=ALLOWED_WIDE) == "video/mp4"
        assert counting.bytes_read <= 4096
    finally:
        upload.close()


def test_checking_a_large_archive_reads_only_its_directory() -> None:
    def write(file: Any) -> None:
        with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
            for n in range(4):
                archive.writestr(f"photo{n}.jpg", os.urandom(10 * MIB))
        file.seek(0, os.SEEK_END)

    upload, counting = _on_disk("photos.zip", write)
    try:
        assert check_upload(upload, max_bytes=500 * MIB, allowed=ALLOWED_WIDE) == "application/zip"
        assert upload.size > 40 * MIB
        assert counting.bytes_read < 200 * 1024
    finally:
        upload.close()
