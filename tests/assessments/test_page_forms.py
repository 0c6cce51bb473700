"""The assessments pages read their input through Django forms: a refusal is shown beside the
field that caused it (in Chinese by default), with what was typed kept, and nothing changes."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import EvidenceFile, RectificationEvidence, RectificationStatus, ScorecardLine
from tests.assessments.test_rectification_evidence import item, pdf  # noqa: F401 - the item fixture
from tests.conftest import client_for
from tests.factories import first_rule_counts, open_scorecard


def _container(body: str, element_id: str) -> str:
    """The HTML of the element with ``element_id`` up to the end of its own <div>."""
    start = body.index(f'id="{element_id}"')
    start = body.rindex("<div", 0, start)
    return body[start : body.index("</div>", start)]


@pytest.fixture
def card(world, default_edition):
    return open_scorecard(world.branch_a, deadline=dt.date(2099, 1, 10))


def _line(card, code="1-01") -> ScorecardLine:
    return card.lines.select_related("article").get(article__code=code)


# --- rectification item ---------------------------------------------------------------------------


def test_a_refused_evidence_file_is_named_beside_the_file_field_and_the_text_is_kept(item, as_role):  # noqa: F811
    url = reverse("assessments:rectification_report", args=[item.pk])
    script = SimpleUploadedFile("整改.sh", b"#!/bin/sh\n", content_type="text/x-sh")
    response = as_role("secretary_a").post(url, {"action_taken": "已补开组织生活会", "files": [pdf(), script]})
    assert response.status_code == 400
    body = response.content.decode()
    field = _container(body, "report-files-field")
    assert "only these kinds of file are accepted" in field and 'class="error"' in field
    assert 'class="form-errors"' not in body  # not at the top of the form
    assert "\n已补开组织生活会</textarea>" in _container(body, "report-action_taken-field")
    item.refresh_from_db()
    assert item.status == RectificationStatus.OPEN and not RectificationEvidence.objects.exists()


def test_a_file_over_the_limit_is_named_beside_the_file_field(item, as_role, settings):  # noqa: F811
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    url = reverse("assessments:rectification_report", args=[item.pk])
    big = pdf(content=b"%PDF-1.4 " + b"0" * (1024 * 1024))
    response = as_role("secretary_a").post(url, {"action_taken": "已补开", "files": [big]})
    assert response.status_code == 400
    assert "is larger than 1 MB" in _container(response.content.decode(), "report-files-field")
    assert not RectificationEvidence.objects.exists()


def test_the_refusal_speaks_chinese_by_default(item, world):  # noqa: F811
    url = reverse("assessments:rectification_report", args=[item.pk])
    script = SimpleUploadedFile("整改.sh", b"#!/bin/sh\n")
    response = client_for(world, "secretary_a").post(url, {"action_taken": "已补开", "files": [script]})
    field = _container(response.content.decode(), "report-files-field")
    message = re.search(r'<p class="error"[^>]*>([^<]+)</p>', field).group(1)
    assert re.search(r"[\u4e00-\u9fff]", message.replace("整改.sh", "")), message


def test_a_report_without_what_was_done_says_so_beside_that_field(item, as_role):  # noqa: F811
    url = reverse("assessments:rectification_report", args=[item.pk])
    response = as_role("secretary_a").post(url, {"action_taken": "  ", "evidence": "会议记录第3页"})
    body = response.content.decode()
    assert "Say what was done." in _container(body, "report-action_taken-field")
    assert "\n会议记录第3页</textarea>" in body
    item.refresh_from_db()
    assert item.status == RectificationStatus.OPEN


def test_sending_back_without_a_reason_says_so_beside_the_reason(item, world, as_role):  # noqa: F811
    from assessments.services.rectification import rectification_report

    rectification_report(item=item, by=world.secretary_a, action_taken="已补开")
    url = reverse("assessments:rectification_verify", args=[item.pk])
    response = as_role("reviewer").post(url, {"decision": "send_back", "reason": ""})
    assert response.status_code == 400
    assert "Say why the item is sent back." in _container(response.content.decode(), "verify-reason-field")
    item.refresh_from_db()
    assert item.status == RectificationStatus.DONE
    assert as_role("reviewer").post(url, {"decision": "close"}).status_code == 302
    item.refresh_from_db()
    assert item.status == RectificationStatus.CLOSED


def test_a_stranger_as_owner_is_named_beside_the_owner_field(item, world, as_role):  # noqa: F811
    url = reverse("assessments:rectification_assign", args=[item.pk])
    response = as_role("reviewer").post(url, {"owner": world.secretary_b.pk})
    field = _container(response.content.decode(), "assign-owner-field")
    assert "The owner must be a secretary or member of this branch." in field


# --- the scorecard line, without the page's script -------------------------------------------------


def test_a_bad_count_posted_without_the_script_is_shown_beside_its_rule_with_the_typed_note(card, as_role):
    line = _line(card)
    (rule_id,) = list(first_rule_counts(line))[:1]
    url = reverse("assessments:line_save", args=[card.pk, line.pk])
    response = as_role("secretary_a").post(url, {"line_version": 1, f"count-{rule_id}": "1000", "note": "少开一次"})
    assert response.status_code == 400
    body = response.content.decode()
    article = body[body.index(f'<article id="line-{line.pk}"') :]
    article = article[: article.index("</article>")]
    rule_item = article[article.index(f'name="count-{rule_id}"') :]
    rule_item = rule_item[: rule_item.index("</li>")]
    assert 'value="1000"' in rule_item and "A count must be between 0 and 999." in rule_item
    assert ">少开一次</textarea>" in article
    assert f'href="#line-{line.pk}"' in body  # the top of the page points to the line
    assert ScorecardLine.objects.get(pk=line.pk).version == 1


def test_the_page_script_still_gets_its_json_for_a_bad_count_and_a_good_save(card, as_role):
    line = _line(card)
    url = reverse("assessments:line_save", args=[card.pk, line.pk])
    client = as_role("secretary_a")
    counts = {f"count-{k}": v for k, v in first_rule_counts(line, 1).items()}
    refused = client.post(url, {"line_version": 1, **dict.fromkeys(counts, "x")}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and refused.json() == {"error": "A count must be a whole number."}
    saved = client.post(url, {"line_version": 1, **counts}, HTTP_ACCEPT="application/json")
    assert saved.status_code == 200
    assert set(saved.json()) >= {"version", "score", "part", "part_score", "self_total", "self_grade", "card_version"}


def test_a_refused_evidence_file_without_htmx_is_shown_beside_the_lines_file_field(card, as_role):
    line = _line(card)
    url = reverse("assessments:evidence_upload", args=[card.pk, line.pk])
    response = as_role("secretary_a").post(url, {"file": SimpleUploadedFile("run.sh", b"#!/bin/sh")})
    assert response.status_code == 400
    body = response.content.decode()
    block = body[body.index(f'id="evidence-{line.pk}"') :]
    upload = block[block.index('class="sc-upload"') : block.index("</form>", block.index('class="sc-upload"'))]
    assert "only these kinds of file" in upload
    assert not EvidenceFile.objects.exists()


def test_no_file_chosen_is_said_beside_the_file_field(card, as_role):
    line = _line(card)
    url = reverse("assessments:evidence_upload", args=[card.pk, line.pk])
    response = as_role("secretary_a").post(url, {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Choose a file." in response.content.decode()
