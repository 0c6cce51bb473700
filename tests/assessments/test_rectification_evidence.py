"""整改 evidence files (13.4): the branch's report takes files through the one evidence rule;
they are listed on the item, served only as attachments after the item's own access check,
and read by the reviewer who verifies. A refused file refuses the report and stores nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from assessments.models import RectificationEvidence, RectificationItem, RectificationStatus
from assessments.services.rectification import rectification_report
from assessments.services.review import finding_add, scorecard_finalise, scorecard_mark_reviewed
from tests.factories import RECORDS_REASON, open_scorecard, submit_card

PDF = b"%PDF-1.4 rectified\n"


def pdf(name: str = "整改记录.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def item(world, default_edition, django_capture_on_commit_callbacks) -> RectificationItem:
    card = open_scorecard(world.branch_a, year=2026, quarter=2)
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    article = card.lines.get(article__code="1-02").article
    finding_add(
        scorecard=card,
        by=world.reviewer,
        article_id=article.pk,
        problem="组织生活会未召开",
        severity="major",
        rectify_by=dt.date(2026, 8, 31),
    )
    card = scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=card.version)
    with django_capture_on_commit_callbacks(execute=False):
        card = scorecard_finalise(scorecard=card, by=world.reviewer, version=card.version)
    return card.findings.get().rectification


def test_the_report_stores_checked_files_under_names_of_our_own(item, world):
    png = SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 8, content_type="image/png")
    item = rectification_report(item=item, by=world.secretary_a, action_taken="已补开", files=[pdf(), png])
    files = list(item.files.all())
    assert [(f.name, f.content_type) for f in files] == [("整改记录.pdf", "application/pdf"), ("照片.png", "image/png")]
    assert all("整改" not in f.file.name and f.file.name.startswith("assessments/rectification/") for f in files)
    assert files[0].file.read() == PDF and files[0].uploaded_by == world.secretary_a


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("记录.pdf", b"<script>alert(1)</script>"), "not really a PDF"),
        (SimpleUploadedFile("run.html", b"<html>"), "only these kinds of file"),
        (SimpleUploadedFile("空.pdf", b""), "empty"),
    ],
)
def test_a_refused_file_refuses_the_report_and_nothing_is_stored(item, world, upload, message):
    with pytest.raises(ValidationError, match=message):
        rectification_report(item=item, by=world.secretary_a, action_taken="已补开", files=[pdf(), upload])
    item.refresh_from_db()
    assert item.status == RectificationStatus.OPEN and item.action_taken == ""
    assert not RectificationEvidence.objects.exists()


def test_only_the_branch_attaches_files_to_its_report(item, world):
    with pytest.raises(PermissionDenied):
        rectification_report(item=item, by=world.reviewer, action_taken="x", files=[pdf()])
    with pytest.raises(Http404):
        rectification_report(item=item, by=world.secretary_b, action_taken="x", files=[pdf()])
    assert not RectificationEvidence.objects.exists()


def test_the_report_form_takes_files_and_the_reviewer_reads_them_on_the_item(item, world, as_role):
    url = reverse("assessments:rectification_report", args=[item.pk])
    page = as_role("secretary_a").get(reverse("assessments:rectification_item", args=[item.pk]))
    assert 'enctype="multipart/form-data"' in page.content.decode() and 'name="files"' in page.content.decode()
    response = as_role("secretary_a").post(url, {"action_taken": "已补开", "files": [pdf()]})
    assert response.status_code == 302
    stored = RectificationEvidence.objects.get()
    download = reverse("assessments:rectification_evidence", args=[stored.pk])
    shown = as_role("reviewer").get(reverse("assessments:rectification_item", args=[item.pk])).content.decode()
    assert download in shown and "整改记录.pdf" in shown
    answer = as_role("reviewer").get(download)
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment")
    assert answer["Content-Type"] == "application/pdf"
    assert b"".join(answer.streaming_content) == PDF


@pytest.mark.parametrize(
    ("role", "status"),
    [("administrator", 200), ("reviewer", 200), ("secretary_a", 200), ("member", 403), ("secretary_b", 404)],
)
def test_a_file_is_served_only_to_those_who_may_see_the_item(item, world, as_role, role, status):
    rectification_report(item=item, by=world.secretary_a, action_taken="已补开", files=[pdf()])
    url = reverse("assessments:rectification_evidence", args=[RectificationEvidence.objects.get().pk])
    assert as_role(role).get(url).status_code == status


def test_a_disguised_file_on_the_form_is_a_clear_message_and_nothing_is_stored(item, world, as_role):
    url = reverse("assessments:rectification_report", args=[item.pk])
    fake = SimpleUploadedFile("整改记录.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = as_role("secretary_a").post(url, {"action_taken": "已补开", "files": [fake]}, follow=True)
    assert "not really a PDF" in response.content.decode()
    item.refresh_from_db()
    assert item.status == RectificationStatus.OPEN and not RectificationEvidence.objects.exists()
