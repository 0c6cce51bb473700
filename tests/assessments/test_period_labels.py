"""Pages name a quarter in words (2026年第3季度), never by its stored code (2026Q3)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from assessments.services.plans import assessment_plan_create
from assessments.templatetags.periods import period_label
from tests.conftest import client_for
from tests.factories import RECORDS_REASON, open_scorecard, submit_card


def _heading_and_title(body: str) -> str:
    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S).group(1)
    return title + heading


@pytest.fixture
def card(world, default_edition):
    draft = open_scorecard(world.branch_a, year=2026, quarter=3, deadline=dt.date(2099, 1, 10))
    return submit_card(draft, by=world.secretary_a, reason=RECORDS_REASON)


@pytest.mark.parametrize("name", ["assessments:scorecard", "assessments:review", "assessments:history"])
def test_the_card_pages_name_the_quarter_in_words_in_their_heading(card, world, name):
    body = client_for(world, "reviewer").get(reverse(name, args=[card.pk])).content.decode()
    heading = _heading_and_title(body)
    assert "2026年第3季度" in heading
    assert "2026Q3" not in heading


def test_the_plan_pages_name_the_quarter_in_words(card, world):
    plan = assessment_plan_create(organisation=world.committee, year=2026, quarter=3, by=world.reviewer, seed=1)
    client = client_for(world, "reviewer")
    for url in (reverse("assessments:plans"), reverse("assessments:plan", args=[plan.pk])):
        body = client.get(url).content.decode()
        assert "2026年第3季度" in body
        assert ">2026Q3" not in body and "2026Q3<" not in body, url


def test_the_label_reads_a_code_or_anything_with_a_year_and_a_quarter(card):
    with translation.override("en"):
        assert period_label(card) == period_label("2026Q3") == "2026, quarter 3"
    with translation.override("zh-hans"):
        assert period_label(card) == "2026年第3季度"
    assert period_label("not a quarter") == "not a quarter"
    assert period_label(None) == ""
