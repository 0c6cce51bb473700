"""A deduction rule's measure travels with the handbook: import, export, a new draft, an edit."""

import copy

import pytest
from django.core.exceptions import ValidationError

from handbook.exchange import ParsedDeduction, edition_to_dict
from handbook.models import Deduction
from handbook.services import article_save, edition_import, edition_start_draft

MEETINGS = {"code": "meetings_short", "params": {"required": {"committee": 3}}}


def _measured(edition) -> dict:
    return {
        (d.article.code, d.description): (d.measure, d.measure_params)
        for d in Deduction.objects.filter(article__edition=edition).exclude(measure="").select_related("article")
    }


def test_the_default_edition_maps_every_measurable_article(default_edition):
    mapped = _measured(default_edition)
    codes = {code for code, _description in mapped}
    assert len(mapped) == 36 and len(codes) == 31
    assert {"1-01", "1-02", "1-03", "1-04", "1-06", "2-01", "3-04", "3-13"} <= codes


def test_export_import_round_trips_the_measures(default_edition):
    data = edition_to_dict(default_edition)
    copy_ = edition_import(data=data, version="copy")
    assert _measured(copy_) == _measured(default_edition)
    assert data["articles"][0]["deductions"][0]["measure"] == MEETINGS


def test_a_new_draft_copies_the_measures(default_edition):
    draft = edition_start_draft(source=default_edition, version="2027")
    assert _measured(draft) == _measured(default_edition)


def test_an_edit_without_measures_keeps_each_rules_measure(default_edition):
    draft = edition_start_draft(source=default_edition, version="2027")
    article = draft.articles.get(code="1-01")
    rules = [ParsedDeduction(d.description, d.points, d.cap) for d in article.deductions.all()]
    article_save(article=article, fields={}, deductions=rules)
    assert article.deductions.order_by("position").first().measure == "meetings_short"


@pytest.mark.parametrize(
    "measure",
    [
        {"code": "nonsense"},
        {"code": "meetings_short", "params": {"required": {"party": 3}}},
        {"code": "meetings_short", "params": {"required": {"committee": 0}}},
        {"code": "attendance_low", "params": {"kinds": [], "threshold": 90}},
        {"code": "attendance_low", "params": {"kinds": ["committee"], "threshold": 190}},
        {"code": "tasks_late", "params": {"per": "decade"}},
        {"code": "tasks_late", "params": {"colour": "red"}},
        "meetings_short",
    ],
)
def test_a_bad_measure_is_refused_on_import(default_edition, measure):
    data = copy.deepcopy(edition_to_dict(default_edition))
    data["articles"][0]["deductions"][0]["measure"] = measure
    with pytest.raises(ValidationError) as caught:
        edition_import(data=data, version="bad")
    assert "1-01" in " ".join(caught.value.messages)
