"""Uploads — evidence on tasks and scorecard lines, member rosters — are data, never code:
kinds checked by name and first bytes, stored under random names outside every folder the
web server serves, never executable, and handed back only as downloads through an access check."""

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import EvidenceFile
from assessments.services.evidence import evidence_add
from tasks.models import Task
from tasks.services import task_complete
from tests.conftest import World
from tests.factories import make_task, open_scorecard

PDF = b"%PDF-1.4 minutes of the branch meeting"
DISGUISED = [
    ("page.html", b"<html><script>alert(1)</script></html>"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("shell.php", b"<?php system($_GET['c']); ?>"),
    ("run.sh", b"#!/bin/sh\nrm -rf /\n"),
    ("report.pdf", b"<html><script>alert(1)</script></html>"),  # a page wearing a PDF's name
    ("photo.jpg", b"MZ\x90\x00"),  # a Windows program wearing a photo's name
]


@pytest.fixture
def card(world: World, default_edition):
    return open_scorecard(world.branch_a, deadline=dt.date(2099, 1, 10))


@pytest.fixture
def task_a(world: World, default_edition) -> Task:
    article = default_edition.articles.filter(frequency="monthly").order_by("code").first()
    return make_task(world.branch_a, article, due_on=dt.date(2026, 11, 25))


def _is_inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def test_uploads_are_stored_outside_every_served_folder() -> None:
    media = Path(settings.MEDIA_ROOT)
    served = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]
    served += [Path(d) for template in settings.TEMPLATES for d in template["DIRS"]]
    for folder in served:
        assert not _is_inside(media, folder) and not _is_inside(folder, media), folder
    # The default (var/media) too, whatever the tests point MEDIA_ROOT at.
    default_media = Path(settings.BASE_DIR) / "var" / "media"
    assert not any(_is_inside(default_media, folder) for folder in [Path(settings.BASE_DIR) / "static"])


@pytest.mark.parametrize(("name", "content"), DISGUISED)
def test_a_disguised_file_is_refused_as_scorecard_evidence(card, world: World, name: str, content: bytes) -> None:
    with pytest.raises(ValidationError):
        evidence_add(line=card.lines.first(), by=world.secretary_a, upload=SimpleUploadedFile(name, content))
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize(("name", "content"), DISGUISED)
def test_a_disguised_file_is_refused_as_task_evidence(task_a: Task, world: World, name: str, content: bytes) -> None:
    with pytest.raises(ValidationError):
        task_complete(task=task_a, by=world.secretary_a, note="x", files=[SimpleUploadedFile(name, content)])
    assert not task_a.evidence.exists()


def _assert_stored_as_data(stored: str, original: str) -> None:
    path = Path(settings.MEDIA_ROOT) / stored
    assert _is_inside(path, Path(settings.MEDIA_ROOT))
    assert Path(original).stem not in stored  # a name of our making, never the user's
    assert path.suffix == ".pdf"
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o111 == 0  # no execute bit for anyone
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o002 == 0  # and not writable by others


def _assert_a_download(response, content: bytes) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


def test_scorecard_evidence_is_stored_as_data_and_handed_back_only_as_a_download(card, world: World, as_role) -> None:
    upload = SimpleUploadedFile("../../../static/js/会议记录.pdf", PDF)
    evidence = evidence_add(line=card.lines.first(), by=world.secretary_a, upload=upload)
    assert evidence.name == "会议记录.pdf"  # the folders of the sent name are dropped
    _assert_stored_as_data(evidence.file.name, "会议记录.pdf")
    _assert_a_download(as_role("reviewer").get(reverse("assessments:evidence", args=[evidence.pk])), PDF)
    # Not reachable by its storage path, under any prefix the site serves.
    for prefix in (settings.MEDIA_URL, "/static/", "/"):
        assert as_role("administrator").get(f"{prefix}{evidence.file.name}").status_code == 404


def test_task_evidence_is_stored_as_data_and_handed_back_only_as_a_download(task_a: Task, world, as_role) -> None:
    task_complete(task=task_a, by=world.secretary_a, note="x", files=[SimpleUploadedFile("签到表.pdf", PDF)])
    evidence = task_a.evidence.get()
    _assert_stored_as_data(evidence.file.name, "签到表.pdf")
    _assert_a_download(as_role("reviewer").get(reverse("tasks:evidence", args=[evidence.pk])), PDF)
    for prefix in (settings.MEDIA_URL, "/static/", "/"):
        assert as_role("administrator").get(f"{prefix}{evidence.file.name}").status_code == 404
