"""The feedback sheet: made once after the review is final, stored, served only through the
access check, acknowledged by the branch, and printed in bulk by a command."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import Scorecard
from assessments.services.feedback import feedback_sheet_store, feedback_sheets_sweep
from assessments.services.review import (
    finding_add,
    review_details_save,
    review_line_save,
    scorecard_finalise,
    scorecard_mark_reviewed,
)
from assessments.services.scorecards import scorecard_line_save
from tests.assessments.pdftools import poppler
from tests.factories import RECORDS_REASON, first_rule_counts, open_scorecard, submit_card


@pytest.fixture
def final_card(world, default_edition, django_capture_on_commit_callbacks):
    # Q4: 1-02 is a yearly article, deducted only at the end of the year.
    card = open_scorecard(world.branch_a, quarter=4, deadline=dt.date(2099, 1, 10))
    line = card.lines.select_related("article").get(article__code="1-02")
    scorecard_line_save(line=line, by=world.secretary_a, version=card.version, counts={})
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    review_line_save(line=line, by=world.reviewer, version=card.version, counts=first_rule_counts(line))
    card.refresh_from_db()
    card = review_details_save(
        scorecard=card, by=world.reviewer, version=card.version, methods=["documents"], written_test_score=None
    )
    finding_add(
        scorecard=card,
        by=world.reviewer,
        article_id=line.article_id,
        problem="全年未召开组织生活会",
        severity="major",
        suggestion="本季度内补开组织生活会",
    )
    card = scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=card.version)
    with django_capture_on_commit_callbacks(execute=True):
        card = scorecard_finalise(scorecard=card, by=world.reviewer, version=card.version)
    return Scorecard.objects.get(pk=card.pk)


def test_finalising_makes_a_pdf_with_the_branch_scores_and_deductions_in_an_embedded_cjk_font(
    final_card, as_role, tmp_path
):
    assert final_card.feedback_pdf
    response = as_role("secretary_a").get(reverse("assessments:feedback_pdf", args=[final_card.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "sheet.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = poppler("pdftotext", path).replace("\n", "")
    assert "检查调研情况反馈单" in text
    assert "一号项目部党支部" in text
    assert "96.00" in text
    assert "全年未召开组织生活会" in text
    fonts = [line for line in poppler("pdffonts", path).splitlines() if "CJK" in line]
    assert fonts and all(" yes " in line for line in fonts)


def test_the_sheet_is_made_only_once(final_card):
    assert feedback_sheet_store(scorecard_id=final_card.pk) is False


def _sheet_lost(card: Scorecard, claimed_ago: dt.timedelta | None) -> None:
    """As a card is left when the job making its sheet died (or never reached a worker)."""
    claim = timezone.now() - claimed_ago if claimed_ago is not None else None
    Scorecard.objects.filter(pk=card.pk).update(feedback_pdf="", feedback_made_at=claim)


def test_a_sheet_whose_job_died_is_made_again_by_the_sweeper(final_card, django_capture_on_commit_callbacks):
    _sheet_lost(final_card, claimed_ago=dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert feedback_sheets_sweep() == {"sent": 1, "taken_back": 1}
    card = Scorecard.objects.get(pk=final_card.pk)
    assert card.feedback_pdf and card.feedback_pdf.read().startswith(b"%PDF")


def test_a_sheet_being_made_right_now_is_left_to_its_job(final_card, django_capture_on_commit_callbacks):
    _sheet_lost(final_card, claimed_ago=dt.timedelta(seconds=5))
    with django_capture_on_commit_callbacks(execute=True) as sent:
        assert feedback_sheets_sweep() == {"sent": 0, "taken_back": 0}
    assert not sent and not Scorecard.objects.get(pk=final_card.pk).feedback_pdf


def test_a_sheet_never_sent_is_sent_once_the_card_has_waited_a_while(final_card, django_capture_on_commit_callbacks):
    _sheet_lost(final_card, claimed_ago=None)
    finalised = Scorecard.objects.get(pk=final_card.pk).finalised_at
    assert feedback_sheets_sweep(now=finalised + dt.timedelta(minutes=1)) == {"sent": 0, "taken_back": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert feedback_sheets_sweep(now=finalised + dt.timedelta(minutes=6)) == {"sent": 1, "taken_back": 0}
    assert Scorecard.objects.get(pk=final_card.pk).feedback_pdf


def test_a_job_whose_claim_was_taken_back_meanwhile_does_not_store_its_sheet(final_card, monkeypatch):
    from assessments.services import feedback

    _sheet_lost(final_card, claimed_ago=None)
    original = feedback.feedback_sheet_render

    def slow_render(**kwargs):
        pdf = original(**kwargs)
        # Meanwhile the sweeper decided this job was dead and handed the card on.
        feedback_sheets_sweep(now=timezone.now() + dt.timedelta(hours=1))
        return pdf

    monkeypatch.setattr(feedback, "feedback_sheet_render", slow_render)
    assert feedback_sheet_store(scorecard_id=final_card.pk) is False
    card = Scorecard.objects.get(pk=final_card.pk)
    assert not card.feedback_pdf and card.feedback_made_at is None


def test_the_branch_acknowledges_the_sheet(final_card, as_role):
    response = as_role("secretary_a").post(reverse("assessments:acknowledge", args=[final_card.pk]), follow=True)
    assert "Acknowledged" in response.content.decode()
    final_card.refresh_from_db()
    assert final_card.acknowledged_at is not None


def test_another_branchs_secretary_cannot_download_the_sheet(final_card, as_role):
    assert as_role("secretary_b").get(reverse("assessments:feedback_pdf", args=[final_card.pk])).status_code == 404


def test_finalising_turns_each_finding_into_a_rectification_item(final_card):
    item = final_card.findings.get().rectification
    assert item.article_code == "1-02"
    assert item.is_open


@pytest.mark.django_db(transaction=True)
def test_the_command_writes_every_final_sheet_of_a_quarter_on_several_processes(final_card, tmp_path):
    call_command("feedback_sheets", quarter="2026Q4", out=str(tmp_path), processes=2)
    files = list(tmp_path.glob("*.pdf"))
    assert [f.name for f in files] == [f"feedback-A-{final_card.period}.pdf"]
    assert "一号项目部党支部" in poppler("pdftotext", files[0])


def test_the_command_refuses_a_badly_written_quarter(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("feedback_sheets", quarter="Q3-2026", out=str(tmp_path))
