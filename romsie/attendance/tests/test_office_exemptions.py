"""Exemptions with a certificate: images and PDFs only, nothing left behind on a full disk."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from romsie.attendance.models import Exemption

from .builders import enable
from .builders_office import PDF, PNG, exemption_for

URL = reverse("attendance:exemption-create")


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """These tests read pages in English."""


def _data(world, upload=None, **extra):
    today = timezone.localdate()
    data = {
        "student": f"user:{world.a.student.pk}",
        "subject": world.a.subject.pk,
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=60)).isoformat(),
        "must_attend": "on",
        "note": "Sport",
        **extra,
    }
    if upload is not None:
        data["certificate"] = upload
    return data


def test_an_exemption_with_a_photo_is_recorded_and_shown_on_the_register(world, client_for):
    enable(world.a)
    client = client_for(world.a.school_life)
    photo = SimpleUploadedFile("certificat.png", PNG, content_type="image/png")
    assert client.post(URL, _data(world, photo)).status_code == 302
    exemption = Exemption.objects.get()
    assert exemption.subject == world.a.subject and exemption.must_attend
    assert exemption.content_type == "image/png" and exemption.file
    page = client.get(reverse("attendance:register"), {"class": world.a.school_class.pk}).content.decode()
    assert reverse("attendance:exemption-certificate", args=[exemption.pk]) in page


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.txt", b"plain text"), ("virus.pdf", b"MZ\x90\x00"), ("table.xlsx", b"PK\x03\x04rest")],
)
def test_a_file_that_is_not_an_image_or_a_pdf_is_refused_and_nothing_saved(world, client_for, name, content):
    enable(world.a)
    upload = SimpleUploadedFile(name, content)
    response = client_for(world.a.school_life).post(URL, _data(world, upload))
    assert response.status_code == 200
    assert name in response.content.decode()
    assert not Exemption.objects.exists()


def test_an_end_before_the_start_is_refused(world, client_for):
    enable(world.a)
    today = timezone.localdate()
    response = client_for(world.a.head).post(
        URL, _data(world, ends_on=(today - datetime.timedelta(days=1)).isoformat())
    )
    assert "The end must come after the start." in response.content.decode()
    assert not Exemption.objects.exists()


def test_the_certificate_is_downloaded_by_staff_only(world, client_for):
    enable(world.a, world.c)
    exemption = exemption_for(world.a)
    url = reverse("attendance:exemption-certificate", args=[exemption.pk])
    response = client_for(world.a.school_life).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    for who in (world.a.teacher, world.a.parent, world.a.student):
        assert client_for(who).get(url).status_code == 403
    assert client_for(world.c.school_life).get(url).status_code == 404


def test_a_full_disk_leaves_no_row_and_no_file(world, client_for, small_disk):
    enable(world.a)
    client = client_for(world.a.school_life)
    small_disk.fill(leave=16 * 1024)
    big = SimpleUploadedFile("certificat.pdf", PDF + b"x" * 100 * 1024, content_type="application/pdf")
    response = client.post(URL, _data(world, big))
    assert response.status_code == 200
    assert "The server could not store your file certificat.pdf" in response.content.decode()
    assert not Exemption.objects.exists()
    assert small_disk.stored_files() == []
