"""The secretary's and the reviewer's pages: htmx line saves, totals, version conflicts and
bad input, locking on submit, and the review's gap."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from assessments.models import Scorecard, ScorecardLine, ScoreChange
from assessments.services.scorecards import scorecard_submit
from tests.factories import first_rule_counts, open_scorecard

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def card(world, default_edition):
    return open_scorecard(world.branch_a, deadline=dt.date(2099, 1, 10))


def _line(card, code="1-02"):
    return card.lines.select_related("article").get(article__code=code)


def _save(client, card, line, counts, version=None, **extra):
    data = {f"count-{k}": v for k, v in counts.items()} | {"version": version or card.version} | extra
    return client.post(reverse("assessments:line_save", args=[card.pk, line.pk]), data, **HTMX)


def test_the_scorecard_page_shows_every_line_by_part_with_its_standard_and_rules(
    card, as_role, django_assert_max_num_queries
):
    client = as_role("secretary_a")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("assessments:scorecard", args=[card.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<form id="line-') == 52
    assert body.count('class="card sc-part"') == 3
    line = _line(card)
    assert line.article.standard[:20] in body
    assert line.article.deductions.first().description in body
    assert 'id="sc-version"' in body


def test_a_line_saved_through_htmx_answers_with_the_line_the_totals_and_the_new_version(card, as_role):
    line = _line(card)
    response = _save(as_role("secretary_a"), card, line, first_rule_counts(line, 1), note="少开一次")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="line-{line.pk}"' in body
    assert 'id="sc-totals" class="sc-totals" hx-swap-oob="true"' in body
    assert 'value="2" hx-swap-oob="true"' in body
    assert "96.00" in body  # 100 − 4 for "全年未召开组织生活会"
    assert ScorecardLine.objects.get(pk=line.pk).note == "少开一次"


def test_a_stale_version_gets_a_clear_message_and_overwrites_nothing(card, as_role):
    line = _line(card)
    client = as_role("secretary_a")
    _save(client, card, line, {}, note="first")
    response = _save(client, card, line, first_rule_counts(line), version=1, note="second")
    assert response.status_code == 200
    assert "Someone else saved this scorecard" in response.content.decode()
    assert ScorecardLine.objects.get(pk=line.pk).note == "first"
    assert Scorecard.objects.get(pk=card.pk).version == 2


@pytest.mark.parametrize("bad", ["-1", "1000", "abc"])
def test_a_bad_count_gets_a_message_and_changes_nothing(card, as_role, bad):
    line = _line(card)
    response = _save(as_role("secretary_a"), card, line, dict.fromkeys(first_rule_counts(line), bad))
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert Scorecard.objects.get(pk=card.pk).version == 1
    assert not ScoreChange.objects.filter(line=line).exists()


def test_a_missing_version_is_refused(card, as_role):
    line = _line(card)
    response = as_role("secretary_a").post(reverse("assessments:line_save", args=[card.pk, line.pk]), {}, **HTMX)
    assert "missing the scorecard" in response.content.decode()


def test_a_line_of_another_branchs_card_in_the_url_is_not_found(card, world, as_role):
    other = open_scorecard(world.branch_b)
    response = _save(as_role("secretary_a"), card, _line(other), {})
    assert response.status_code == 404


def test_a_submitted_card_refuses_line_saves(card, world, as_role):
    client = as_role("secretary_a")
    response = client.post(reverse("assessments:submit", args=[card.pk]), {"version": card.version}, follow=True)
    assert "Submitted" in response.content.decode()
    card.refresh_from_db()
    response = _save(client, card, _line(card), {}, note="after")
    assert "cannot be changed" in response.content.decode()
    assert ScorecardLine.objects.get(pk=_line(card).pk).note == ""


def test_the_reviewer_page_shows_the_gap_per_line_and_in_total(card, world, as_role):
    card = scorecard_submit(scorecard=card, by=world.secretary_a, version=card.version)
    line = _line(card)
    client = as_role("reviewer")
    response = client.post(
        reverse("assessments:review_line_save", args=[card.pk, line.pk]),
        {f"count-{k}": v for k, v in first_rule_counts(line).items()} | {"version": card.version},
        **HTMX,
    )
    body = response.content.decode()
    assert "gap 4.00" in body
    assert "96.00" in body
    page = client.get(reverse("assessments:review", args=[card.pk])).content.decode()
    assert 'class="sc-gap">4.00' in page


def test_a_secretary_does_not_see_review_scores_before_the_review_is_final(card, world, as_role):
    scorecard_submit(scorecard=card, by=world.secretary_a, version=card.version)
    page = as_role("secretary_a").get(reverse("assessments:scorecard", args=[card.pk])).content.decode()
    assert "sc-review-total" not in page


def test_the_history_lists_every_score_change_with_who(card, as_role):
    line = _line(card)
    _save(as_role("secretary_a"), card, line, first_rule_counts(line))
    page = as_role("reviewer").get(reverse("assessments:history", args=[card.pk])).content.decode()
    assert "甲支部书记" in page
    assert "Line saved" in page and "line_saved" not in page


def test_the_admin_is_read_only_for_a_submitted_card(card, world):
    card = scorecard_submit(scorecard=card, by=world.secretary_a, version=card.version)
    request = RequestFactory().get("/")
    request.user = world.administrator
    request.user.is_superuser = True
    model_admin = site._registry[Scorecard]
    assert model_admin.has_change_permission(request, card) is False
    assert model_admin.has_delete_permission(request, card) is False
    assert card.self_total == Decimal(100)


def test_the_quarter_list_shows_each_branch_with_its_card(card, as_role):
    page = as_role("reviewer").get(reverse("assessments:index") + "?quarter=2026Q3").content.decode()
    assert "一号项目部党支部" in page
    assert "二号项目部党支部" in page
    assert "Not started" in page


def test_a_note_longer_than_2000_characters_is_refused(card, as_role):
    line = _line(card)
    response = _save(as_role("secretary_a"), card, line, {}, note="长" * 2001)
    assert 'role="alert"' in response.content.decode()
    assert ScorecardLine.objects.get(pk=line.pk).note == ""
    assert Scorecard.objects.get(pk=card.pk).version == 1
