"""Each line of the branch's side has its own version: saves of different lines never refuse
each other, a save of the same line since is refused naming who and when, several lines are
saved all or none, and "looked at" is recorded once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from assessments.models import Scorecard, ScorecardLine, ScoreChange
from assessments.services.scorecards import (
    LineEdit,
    StaleLine,
    scorecard_line_save,
    scorecard_line_seen,
    scorecard_lines_save,
)
from tests.factories import RECORDS_REASON, first_rule_counts, open_scorecard, submit_card


@pytest.fixture
def card(world, default_edition):
    return open_scorecard(world.branch_a, deadline=dt.date(2099, 1, 10))


def _lines(card, n=2):
    return list(card.lines.select_related("article").order_by("article__code")[:n])


def test_two_tabs_saving_different_lines_both_succeed(card, world):
    first, second = _lines(card)
    scorecard_line_save(line=first, by=world.secretary_a, counts={}, note="甲", line_version=1)
    saved = scorecard_line_save(line=second, by=world.secretary_a, counts={}, note="乙", line_version=1)
    assert (saved.note, saved.version, saved.saved_by) == ("乙", 2, world.secretary_a)
    assert ScorecardLine.objects.get(pk=first.pk).note == "甲"
    assert Scorecard.objects.get(pk=card.pk).version == 3  # the submit still sees every save


def test_the_same_line_saved_since_is_refused_naming_who_even_the_same_user(card, world):
    line = _lines(card, 1)[0]
    scorecard_line_save(line=line, by=world.secretary_a, counts={}, note="第一个标签页", line_version=1)
    with pytest.raises(StaleLine) as refused:
        scorecard_line_save(line=line, by=world.secretary_a, counts={}, note="第二个标签页", line_version=1)
    assert refused.value.messages[0].startswith("甲支部书记 saved this line at ")
    assert refused.value.line.note == "第一个标签页"
    assert ScorecardLine.objects.get(pk=line.pk).note == "第一个标签页"


def test_several_lines_are_saved_all_or_none(card, world):
    first, second = _lines(card)
    bad = dict.fromkeys(first_rule_counts(second), 1000)
    edits = [LineEdit(line_id=first.pk, counts={}, note="不应保存", version=1), LineEdit(second.pk, bad, version=1)]
    with pytest.raises(ValidationError) as refused:
        scorecard_lines_save(scorecard=card, by=world.secretary_a, edits=edits)
    assert list(refused.value.message_dict) == ["lines.1"]
    assert ScorecardLine.objects.get(pk=first.pk).note == ""
    assert not ScoreChange.objects.filter(action="line_saved").exists()
    assert Scorecard.objects.get(pk=card.pk).version == card.version


def test_a_save_naming_no_version_at_all_is_refused(card, world):
    with pytest.raises(ValidationError, match="version"):
        scorecard_lines_save(scorecard=card, by=world.secretary_a, edits=[LineEdit(_lines(card, 1)[0].pk, {})])


def test_opening_a_line_records_it_once_and_changes_no_version(card, world):
    line = _lines(card, 1)[0]
    assert scorecard_line_seen(line=line, by=world.secretary_a) is True
    assert scorecard_line_seen(line=line, by=world.secretary_a) is False
    now = ScorecardLine.objects.get(pk=line.pk)
    assert now.looked_at is not None and now.version == 1
    assert scorecard_line_seen(line=_lines(card)[1], by=world.reviewer) is False  # not the branch's secretary


def test_a_submitted_card_records_no_looking(card, world):
    card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    # A line never opened: the lines answered for the records were saved, so looked at.
    line = ScorecardLine.objects.filter(scorecard=card, looked_at=None).order_by("pk").first()
    assert scorecard_line_seen(line=line, by=world.secretary_a) is False
    assert ScorecardLine.objects.get(pk=line.pk).looked_at is None
