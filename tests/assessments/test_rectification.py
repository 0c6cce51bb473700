"""整改: findings become items; the branch reports, the reviewer closes or sends back; overdue
items are flagged; open items carry over onto the next quarter's line as focus items (重点)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from assessments.models import RectificationStatus
from assessments.services.rectification import rectification_report, rectification_verify
from assessments.services.review import finding_add, scorecard_finalise, scorecard_mark_reviewed
from tests.factories import RECORDS_REASON, open_scorecard, submit_card


@pytest.fixture
def item(world, default_edition, django_capture_on_commit_callbacks):
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


def test_the_branch_reports_and_the_reviewer_closes_the_item(item, world):
    item = rectification_report(item=item, by=world.secretary_a, action_taken="已补开", evidence="会议记录")
    assert item.status == RectificationStatus.DONE
    item = rectification_verify(item=item, by=world.reviewer, accept=True)
    assert item.status == RectificationStatus.CLOSED
    assert item.closed_by == world.reviewer


def test_the_reviewer_sends_an_item_back_with_a_reason_and_it_is_open_again(item, world):
    item = rectification_report(item=item, by=world.secretary_a, action_taken="已补开")
    with pytest.raises(ValidationError):
        rectification_verify(item=item, by=world.reviewer, accept=False, reason="")
    item = rectification_verify(item=item, by=world.reviewer, accept=False, reason="记录不全")
    assert item.status == RectificationStatus.OPEN
    assert item.sent_back_reason == "记录不全"


def test_only_the_branch_reports_and_only_a_reviewer_verifies(item, world):
    with pytest.raises(PermissionDenied):
        rectification_report(item=item, by=world.reviewer, action_taken="x")
    # Another branch's secretary cannot see the item at all: the service answers as the page does.
    with pytest.raises(Http404):
        rectification_report(item=item, by=world.secretary_b, action_taken="x")
    item = rectification_report(item=item, by=world.secretary_a, action_taken="x")
    with pytest.raises(PermissionDenied):
        rectification_verify(item=item, by=world.secretary_a, accept=True)


def test_an_item_past_its_deadline_is_flagged_overdue(item, as_role):
    assert item.is_overdue
    page = as_role("reviewer").get(reverse("assessments:rectification_list")).content.decode()
    assert "Overdue" in page
    assert "组织生活会未召开" in page


def test_an_open_item_appears_on_the_next_quarters_line_of_its_article(item, world, as_role):
    next_card = open_scorecard(world.branch_a, year=2026, quarter=3)
    page = as_role("secretary_a").get(reverse("assessments:scorecard", args=[next_card.pk])).content.decode()
    line_pk = next_card.lines.get(article__code="1-02").pk
    start = page.index(f'id="line-{line_pk}"')
    assert "has-focus" in page[start - 40 : start + 80]
    assert "组织生活会未召开" in page[start : page.index("</form>", start)]


def test_a_closed_item_no_longer_carries_over(item, world, as_role):
    item = rectification_report(item=item, by=world.secretary_a, action_taken="已补开")
    rectification_verify(item=item, by=world.reviewer, accept=True)
    next_card = open_scorecard(world.branch_a, year=2026, quarter=3)
    page = as_role("secretary_a").get(reverse("assessments:scorecard", args=[next_card.pk])).content.decode()
    assert "组织生活会未召开" not in page
