"""The review page (line, methods and written test, finding, return) and the plan pages (draw a
plan, an upgrade target) read their input through Django forms: a refusal is shown beside the
field that caused it, in Chinese by default, with what was typed kept, and nothing changes."""

import datetime as dt

import pytest
from django.urls import reverse

from assessments.models import AssessmentPlan, Finding, LineDeduction, ScorecardStatus, UpgradeTarget
from tests.assessments.url_access import upgrade_target
from tests.conftest import client_for
from tests.factories import RECORDS_REASON, open_scorecard, submit_card

HTMX = {"HTTP_HX_REQUEST": "true"}


def _field(body: str, element_id: str) -> str:
    """The HTML of the field holding the element ``element_id``: from its <div> to the div's end."""
    start = body.index(f'id="{element_id}"')
    start = body.rindex("<div", 0, start)
    return body[start : body.index("</div>", start)]


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture
def card(world, default_edition):
    draft = open_scorecard(world.branch_a, deadline=dt.date(2099, 1, 10))
    return submit_card(draft, by=world.secretary_a, reason=RECORDS_REASON)


@pytest.fixture
def reviewer(world):
    return client_for(world, "reviewer")


# --- review: methods and written test ----------------------------------------------------------


def test_a_written_test_score_without_the_written_test_is_refused_beside_the_score(card, reviewer):
    url = reverse("assessments:review_details", args=[card.pk])
    response = reviewer.post(url, {"version": card.version, "methods": ["documents"], "written_test_score": "88"})
    assert response.status_code == 400
    field = _field(response.content.decode(), "id_written_test_score")
    assert 'id="written-test-error"' in field and 'value="88"' in field
    assert 'value="documents" checked' in response.content.decode()
    card.refresh_from_db()
    assert card.methods == [] and card.written_test_score is None


def test_a_written_test_score_that_is_not_a_number_is_refused_in_chinese(card, reviewer):
    url = reverse("assessments:review_details", args=[card.pk])
    response = reviewer.post(url, {"version": card.version, "methods": ["written_test"], "written_test_score": "八十"})
    assert response.status_code == 400
    field = _field(response.content.decode(), "id_written_test_score")
    error = field[field.index('id="written-test-error"') :]
    assert _chinese(error.replace("八十", ""))
    card.refresh_from_db()
    assert card.methods == []


# --- review: a line ------------------------------------------------------------------------------


def _rule_line(card):
    line = card.lines.select_related("article").order_by("article__code").first()
    return line, line.article.deductions.order_by("position").first()


def test_a_review_count_that_is_not_a_number_is_refused_beside_its_count(card, reviewer):
    line, rule = _rule_line(card)
    url = reverse("assessments:review_line_save", args=[card.pk, line.pk])
    data = {"version": card.version, f"count-{rule.pk}": "三", "review_note": "查了记录本"}
    response = reviewer.post(url, data, **HTMX)
    body = response.content.decode()
    cell = body[body.index(f'name="count-{rule.pk}"') :].split("</td>")[0]
    assert 'value="三"' in cell and 'aria-invalid="true"' in cell and 'class="error sc-field-error"' in cell
    assert ">查了记录本</textarea>" in body
    assert not LineDeduction.objects.filter(line=line, side="review").exists()


def test_a_plain_post_of_a_refused_line_shows_the_review_page_with_the_line_as_typed(card, reviewer):
    line, rule = _rule_line(card)
    url = reverse("assessments:review_line_save", args=[card.pk, line.pk])
    response = reviewer.post(url, {"version": card.version, f"count-{rule.pk}": "-1", "review_note": "x" * 2001})
    assert response.status_code == 400
    body = response.content.decode()
    form = body[body.index(f'id="rline-{line.pk}"') :].split("</form>")[0]
    assert 'value="-1"' in form
    note = form[form.index('name="review_note"') :]
    assert 'class="error sc-field-error"' in note
    line.refresh_from_db()
    assert line.review_note == ""
    assert not LineDeduction.objects.filter(line=line, side="review").exists()


def test_a_line_saved_from_a_page_without_the_version_says_reload(card, reviewer):
    line, rule = _rule_line(card)
    url = reverse("assessments:review_line_save", args=[card.pk, line.pk])
    response = reviewer.post(url, {f"count-{rule.pk}": "1"}, **HTMX)
    assert response.status_code == 200
    assert "重新加载" in response.content.decode() or "刷新" in response.content.decode()
    assert not LineDeduction.objects.filter(line=line, side="review").exists()


# --- review: a finding ---------------------------------------------------------------------------


def test_a_finding_without_a_problem_is_refused_beside_the_problem_and_the_rest_is_kept(card, reviewer):
    line = card.lines.select_related("article").order_by("article__code").last()
    url = reverse("assessments:finding_add", args=[card.pk])
    data = {"article": line.article_id, "severity": "major", "problem": " ", "suggestion": "补齐台账"}
    response = reviewer.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    field = _field(body, "id_finding_problem")
    assert 'class="error"' in field and _chinese(field)
    assert ">\n补齐台账</textarea>" in _field(body, "id_finding_suggestion")
    assert 'value="major" selected' in _field(body, "id_finding_severity")
    assert f'value="{line.article_id}" selected' in _field(body, "id_finding_article")
    assert not Finding.objects.exists()


def test_a_finding_with_a_date_the_picker_never_sends_is_refused_beside_the_date(card, reviewer):
    line = card.lines.first()
    url = reverse("assessments:finding_add", args=[card.pk])
    data = {"article": line.article_id, "severity": "minor", "problem": "缺记录", "rectify_by": "31/10/2026"}
    response = reviewer.post(url, data)
    assert response.status_code == 400
    field = _field(response.content.decode(), "id_finding_rectify_by")
    assert "2026-10-31" in field and 'value="31/10/2026"' in field
    assert not Finding.objects.exists()


def test_a_finding_with_an_unknown_severity_is_refused_beside_the_severity(card, reviewer):
    url = reverse("assessments:finding_add", args=[card.pk])
    data = {"article": card.lines.first().article_id, "severity": "fatal", "problem": "缺记录"}
    response = reviewer.post(url, data)
    assert response.status_code == 400
    assert 'class="error"' in _field(response.content.decode(), "id_finding_severity")
    assert not Finding.objects.exists()


# --- review: return ------------------------------------------------------------------------------


def test_returning_without_a_reason_is_refused_beside_the_reason(card, reviewer):
    url = reverse("assessments:return", args=[card.pk])
    response = reviewer.post(url, {"version": card.version, "reason": "  "})
    assert response.status_code == 400
    field = _field(response.content.decode(), "id_return_reason")
    assert 'class="error"' in field and _chinese(field)
    card.refresh_from_db()
    assert card.status == ScorecardStatus.SUBMITTED and card.times_returned == 0


def test_returning_from_a_page_without_the_version_keeps_the_reason_and_changes_nothing(card, reviewer):
    url = reverse("assessments:return", args=[card.pk])
    response = reviewer.post(url, {"version": "²", "reason": "台账不全"})
    assert response.status_code == 400
    body = response.content.decode()
    decision = body[body.index('id="decision"') :]
    assert 'class="form-errors"' in decision and ">\n台账不全</textarea>" in decision
    card.refresh_from_db()
    assert card.status == ScorecardStatus.SUBMITTED


def test_returning_with_a_reason_still_returns_the_card(card, reviewer):
    url = reverse("assessments:return", args=[card.pk])
    response = reviewer.post(url, {"version": card.version, "reason": "台账不全"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == ScorecardStatus.RETURNED and card.return_reason == "台账不全"


# --- plans ---------------------------------------------------------------------------------------


def test_a_plan_with_a_sample_over_100_is_refused_beside_the_sample_and_the_quarter_is_kept(world, reviewer):
    url = reverse("assessments:plan_create")
    data = {"org": world.committee.pk, "quarter": "2026Q2", "kind": "year_end", "sample_percent": "150", "seed": "7"}
    response = reviewer.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    field = _field(body, "id_plan_sample_percent")
    assert 'class="error"' in field and _chinese(field) and 'value="150"' in field
    assert 'value="2026Q2" selected' in _field(body, "id_plan_quarter")
    assert 'value="year_end" selected' in _field(body, "id_plan_kind")
    assert not AssessmentPlan.objects.exists()


def test_a_second_plan_of_the_same_kind_and_quarter_is_refused_above_the_form(world, reviewer):
    url = reverse("assessments:plan_create")
    data = {"org": world.committee.pk, "quarter": "2026Q3", "seed": "7"}
    assert reviewer.post(url, data).status_code == 302
    response = reviewer.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="form-errors"' in body[body.index('id="plan-form"') :]
    assert AssessmentPlan.objects.count() == 1


def test_the_plan_form_offers_quarters_in_words(world, reviewer):
    body = reviewer.get(reverse("assessments:plans")).content.decode()
    select = _field(body, "id_plan_quarter")
    assert "年第" in select and ">2026Q" not in select


def test_an_upgrade_target_score_that_is_not_a_number_is_refused_beside_it_and_the_text_is_kept(world):
    target = UpgradeTarget.objects.get(pk=upgrade_target(world)["target_pk"])
    before = (target.action, target.target_score, target.done)
    url = reverse("assessments:upgrade_target", kwargs={"pk": target.plan_id, "target_pk": target.pk})
    response = client_for(world, "secretary_a").post(
        url, {"action": "每月补开主题党日", "progress": "已开两次", "target_score": "很高", "done": "on"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    field = _field(body, f"id_target_{target.pk}_target_score")
    assert 'class="error"' in field and _chinese(field)
    assert ">\n每月补开主题党日</textarea>" in _field(body, f"id_target_{target.pk}_action")
    target.refresh_from_db()
    assert (target.action, target.target_score, target.done) == before
