"""The secretary's and the reviewer's pages: htmx line saves, totals, version conflicts and
bad input, locking on submit, and the review's gap."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from assessments.models import Scorecard, ScorecardLine, ScoreChange
from tests.factories import RECORDS_REASON, answer_records, first_rule_counts, open_scorecard, submit_card

HTMX = {"HTTP_HX_REQUEST": "true"}
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def card(world, default_edition):
    # Q4: 1-02 and 1-03 are yearly articles, deducted only at the end of the year.
    return open_scorecard(world.branch_a, quarter=4, deadline=dt.date(2099, 1, 10))


def _line(card, code="1-02"):
    return card.lines.select_related("article").get(article__code=code)


def _save(client, card, line, counts, line_version=None, **extra):
    version = line_version or ScorecardLine.objects.get(pk=line.pk).version
    data = {f"count-{k}": v for k, v in counts.items()} | {"line_version": version} | extra
    return client.post(reverse("assessments:line_save", args=[card.pk, line.pk]), data, **JSON)


def test_the_scorecard_page_shows_every_line_by_part_with_its_standard_and_rules(
    card, as_role, django_assert_max_num_queries
):
    client = as_role("secretary_a")
    url = reverse("assessments:scorecard", args=[card.pk])
    client.get(url)  # the session's first request writes it; the budget is for the page itself
    with django_assert_max_num_queries(10):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<article id="line-') == 52
    assert body.count('class="card sc-part"') == 3
    line = _line(card)
    assert line.article.standard[:20] in body
    assert line.article.deductions.first().description in body
    assert 'id="sc-version"' in body
    assert '<span id="sc-seen">0</span>/52' in body


def test_a_line_saved_by_the_page_answers_with_its_version_score_and_the_totals(card, as_role):
    line = _line(card)
    response = _save(as_role("secretary_a"), card, line, first_rule_counts(line, 1), note="少开一次")
    assert response.status_code == 200
    answer = response.json()
    assert (answer["version"], answer["card_version"], answer["self_total"]) == (2, 2, "96.00")
    assert answer["part_score"] == str(sum(x.self_score for x in card.lines.filter(article__part=line.article.part)))
    saved = ScorecardLine.objects.get(pk=line.pk)
    assert (saved.note, saved.saved_by.username, saved.looked_at is not None) == ("少开一次", "secretary_a", True)


def test_a_field_not_posted_keeps_what_the_line_has(card, as_role):
    line = _line(card)
    client = as_role("secretary_a")
    _save(client, card, line, {}, note="留着", evidence="台账")
    _save(client, card, line, {}, note="改了")
    assert ScorecardLine.objects.get(pk=line.pk).evidence == "台账"


def test_two_tabs_saving_different_lines_are_both_kept(card, as_role):
    client = as_role("secretary_a")
    first, second = _line(card), _line(card, "1-03")
    assert _save(client, card, first, {}, line_version=1, note="一").status_code == 200
    assert _save(client, card, second, {}, line_version=1, note="二").status_code == 200
    assert [x.note for x in (ScorecardLine.objects.get(pk=first.pk), ScorecardLine.objects.get(pk=second.pk))] == [
        "一",
        "二",
    ]


def test_a_stale_line_version_answers_409_with_the_other_version_and_overwrites_nothing(card, as_role):
    line = _line(card)
    client = as_role("secretary_a")
    _save(client, card, line, first_rule_counts(line, 1), note="第一个标签页")
    response = _save(client, card, line, {}, line_version=1, note="第二个标签页")
    assert response.status_code == 409
    answer = response.json()
    assert answer["error"].startswith("甲支部书记 saved this line at ")
    assert answer["version"] == 2
    assert "第一个标签页" in answer["conflict"] and "sc-keep-mine" in answer["conflict"]
    assert ScorecardLine.objects.get(pk=line.pk).note == "第一个标签页"


@pytest.mark.parametrize("bad", ["-1", "1000", "abc"])
def test_a_bad_count_gets_a_message_and_changes_nothing(card, as_role, bad):
    line = _line(card)
    response = _save(as_role("secretary_a"), card, line, dict.fromkeys(first_rule_counts(line), bad))
    assert response.status_code == 400
    assert response.json()["error"]
    assert Scorecard.objects.get(pk=card.pk).version == 1
    assert not ScoreChange.objects.filter(line=line).exists()


def test_a_missing_line_version_is_refused(card, as_role):
    line = _line(card)
    response = as_role("secretary_a").post(reverse("assessments:line_save", args=[card.pk, line.pk]), {}, **JSON)
    assert response.status_code == 400
    assert "missing the line's version" in response.json()["error"]


def test_without_the_script_a_line_save_redirects_to_the_line_with_a_message(card, as_role):
    line = _line(card)
    url = reverse("assessments:line_save", args=[card.pk, line.pk])
    response = as_role("secretary_a").post(url, {"line_version": 1, "note": "无脚本"}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#line-{line.pk}")
    assert "Saved." in response.content.decode()
    assert ScorecardLine.objects.get(pk=line.pk).note == "无脚本"


def test_opening_a_line_is_recorded_and_the_standard_is_folded_next_time(card, as_role):
    line = _line(card)
    client = as_role("secretary_a")
    response = client.post(reverse("assessments:line_seen", args=[card.pk, line.pk]))
    assert response.status_code == 204
    body = client.get(reverse("assessments:scorecard", args=[card.pk])).content.decode()
    assert '<span id="sc-seen">1</span>/52' in body
    article = body[body.index(f'<article id="line-{line.pk}"') :]
    assert "data-seen" in article[:300]
    assert "<details open><summary>Standard" not in article[: article.index("</details>")]


def test_the_check_before_submitting_lists_deductions_without_a_note_and_lines_never_looked_at(world, card, as_role):
    # The measured rules answered first: with counts below the records unanswered, the check
    # offers no submit button at all.
    answer_records(card, by=world.secretary_a, reason=RECORDS_REASON)
    client = as_role("secretary_a")
    deducted, noted = _line(card), _line(card, "1-03")
    _save(client, card, deducted, first_rule_counts(deducted, 1))
    _save(client, card, noted, first_rule_counts(noted, 1), note="已说明")
    response = client.get(reverse("assessments:submit_check", args=[card.pk]), {"fragment": 1})
    body = response.content.decode()
    no_note = body[body.index('id="sc-check-no-note"') : body.index('id="sc-check-unseen"')]
    assert f'data-line="{deducted.pk}"' in no_note and f'data-line="{noted.pk}"' not in no_note
    # The two lines saved here and those the answers to the records saved count as looked at.
    unseen = card.lines.filter(looked_at__isnull=True).count()
    assert unseen <= 50 and f"{unseen} lines never looked at" in body
    assert "Submit anyway" in body
    assert f'name="version" value="{Scorecard.objects.get(pk=card.pk).version}"' in body
    assert "<html" not in body
    assert "<html" in client.get(reverse("assessments:submit_check", args=[card.pk])).content.decode()


def test_a_line_of_another_branchs_card_in_the_url_is_not_found(card, world, as_role):
    other = open_scorecard(world.branch_b)
    response = _save(as_role("secretary_a"), card, _line(other), {})
    assert response.status_code == 404


def test_a_submitted_card_refuses_line_saves(card, world, as_role):
    client = as_role("secretary_a")
    card = answer_records(card, by=world.secretary_a, reason=RECORDS_REASON)
    response = client.post(reverse("assessments:submit", args=[card.pk]), {"version": card.version}, follow=True)
    assert "Submitted" in response.content.decode()
    card.refresh_from_db()
    response = _save(client, card, _line(card), {}, note="after")
    assert response.status_code == 409
    assert "cannot be changed" in response.json()["error"]
    assert ScorecardLine.objects.get(pk=_line(card).pk).note == ""


def test_the_reviewer_page_shows_the_gap_per_line_and_in_total(card, world, as_role):
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
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
    submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    page = as_role("secretary_a").get(reverse("assessments:scorecard", args=[card.pk])).content.decode()
    assert "sc-review-total" not in page


def test_the_history_lists_every_score_change_with_who(card, as_role):
    line = _line(card)
    _save(as_role("secretary_a"), card, line, first_rule_counts(line))
    page = as_role("reviewer").get(reverse("assessments:history", args=[card.pk])).content.decode()
    assert "甲支部书记" in page
    assert "Line saved" in page and "line_saved" not in page


def test_the_admin_is_read_only_for_a_submitted_card(card, world):
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    request = RequestFactory().get("/")
    request.user = world.administrator
    request.user.is_superuser = True
    model_admin = site._registry[Scorecard]
    assert model_admin.has_change_permission(request, card) is False
    assert model_admin.has_delete_permission(request, card) is False
    assert card.self_total == Decimal(100)


def test_the_quarter_list_shows_each_branch_with_its_card(card, as_role):
    page = as_role("reviewer").get(reverse("assessments:index") + "?quarter=2026Q4").content.decode()
    assert "一号项目部党支部" in page
    assert "二号项目部党支部" in page
    assert "Not started" in page


def test_a_note_longer_than_2000_characters_is_refused(card, as_role):
    line = _line(card)
    response = _save(as_role("secretary_a"), card, line, {}, note="长" * 2001)
    assert response.status_code == 400
    assert ScorecardLine.objects.get(pk=line.pk).note == ""
    assert Scorecard.objects.get(pk=card.pk).version == 1
