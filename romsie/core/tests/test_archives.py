"""The one streamed ZIP: readable by a ZIP reader, built chunk by chunk, a vanished file left out."""

from __future__ import annotations

import io
import zipfile

from romsie.core.archives import CHUNK, ZipEntry, stream_zip, zip_response


def _gone() -> io.BytesIO:
    raise FileNotFoundError


def test_the_archive_holds_folders_and_files_and_leaves_out_a_file_gone_from_the_storage():
    big = bytes(range(256)) * (3 * CHUNK // 256)
    entries = [
        ZipEntry("cours/", None),
        ZipEntry("cours/notes.txt", lambda: io.BytesIO(b"bonjour")),
        ZipEntry("cours/photo.png", lambda: io.BytesIO(big), content_type="image/png", size=len(big)),
        ZipEntry("cours/lost.pdf", _gone),
    ]
    chunks = list(stream_zip(entries))
    assert len(chunks) > 3  # written as it goes, not in one piece
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.namelist() == ["cours/", "cours/notes.txt", "cours/photo.png"]
    assert archive.read("cours/notes.txt") == b"bonjour" and archive.read("cours/photo.png") == big
    assert archive.getinfo("cours/photo.png").compress_type == zipfile.ZIP_STORED  # already compressed
    assert archive.getinfo("cours/notes.txt").compress_type == zipfile.ZIP_DEFLATED


def test_the_response_is_a_download_never_rendered():
    response = zip_response([ZipEntry("a.txt", lambda: io.BytesIO(b"a"))], filename="élèves 3e.zip")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;") and "3e.zip" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("a.txt") == b"a"
