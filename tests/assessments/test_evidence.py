"""Evidence files on a line: uploaded by the branch's secretary while the card is editable,
served through the access check, refused once the card is submitted."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import EvidenceFile, ScorecardLocked
from tests.factories import RECORDS_REASON, open_scorecard, submit_card


@pytest.fixture
def card(world, default_edition):
    return open_scorecard(world.branch_a, deadline=dt.date(2099, 1, 10))


def _upload(client, card, line, name="会议记录.pdf", content=b"%PDF-1.4 record"):
    url = reverse("assessments:evidence_upload", args=[card.pk, line.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)


def test_the_secretary_attaches_a_file_and_the_reviewer_downloads_it(card, as_role):
    line = card.lines.first()
    response = _upload(as_role("secretary_a"), card, line)
    assert "File added" in response.content.decode()
    evidence = EvidenceFile.objects.get()
    assert evidence.name == "会议记录.pdf"
    assert "会议记录" not in evidence.file.name  # stored under a random name
    download = as_role("reviewer").get(reverse("assessments:evidence", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 record"
    assert as_role("secretary_b").get(reverse("assessments:evidence", args=[evidence.pk])).status_code == 404


def test_a_file_of_another_kind_is_refused(card, as_role):
    response = _upload(as_role("secretary_a"), card, card.lines.first(), name="run.sh", content=b"#!/bin/sh")
    assert "only these kinds of file" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_a_submitted_card_takes_no_more_files_and_keeps_its_own(card, world, as_role):
    line = card.lines.first()
    _upload(as_role("secretary_a"), card, line)
    submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    response = _upload(as_role("secretary_a"), card, line, name="later.pdf")
    assert "locked" in response.content.decode()
    evidence = EvidenceFile.objects.get()
    with pytest.raises(ScorecardLocked):
        evidence.delete()
    response = as_role("secretary_a").post(reverse("assessments:evidence_delete", args=[evidence.pk]), follow=True)
    assert EvidenceFile.objects.count() == 1


def test_an_upload_from_the_page_answers_with_the_lines_evidence_block_and_its_message(card, as_role):
    line = card.lines.first()
    url = reverse("assessments:evidence_upload", args=[card.pk, line.pk])
    client = as_role("secretary_a")
    refused = client.post(url, {"file": SimpleUploadedFile("run.sh", b"#!/bin/sh")}, HTTP_HX_REQUEST="true")
    body = refused.content.decode()
    assert refused.status_code == 200
    assert body.startswith(f'<div class="sc-evidence" id="evidence-{line.pk}">')
    assert 'role="alert"' in body and "only these kinds of file" in body
    added = client.post(url, {"file": SimpleUploadedFile("记录.pdf", b"%PDF-1.4 x")}, HTTP_HX_REQUEST="true")
    assert "记录.pdf" in added.content.decode() and "File added" in added.content.decode()
    evidence = EvidenceFile.objects.get()
    removed = client.post(reverse("assessments:evidence_delete", args=[evidence.pk]), HTTP_HX_REQUEST="true")
    assert f'id="evidence-{line.pk}"' in removed.content.decode() and "File removed" in removed.content.decode()
    assert not EvidenceFile.objects.exists()
