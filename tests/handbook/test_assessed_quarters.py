"""The quarters an article is deducted in (``assessed_quarters``), through every path that
writes or reads an article: the exchange format (JSON and xlsx), the edition editor, the API."""

from io import BytesIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from handbook.exchange import edition_to_dict
from handbook.models import Article
from handbook.services import edition_import, edition_start_draft
from handbook.xlsx import handbook_to_xlsx, xlsx_to_handbook
from tests.api.conftest import api_client_for
from tests.factories import handbook_document, make_edition
from tests.test_zh_labels import visible_text


def _document(**quarters: object) -> dict:
    """The factory's handbook (1-01 monthly, 2-02 quarterly, 3-03 yearly, 1-04 occasional)
    with ``assessed_quarters`` set on some articles (code with "_" for "-")."""
    data = handbook_document(version="Q1")
    for article in data["articles"]:
        key = article["code"].replace("-", "_")
        if key in quarters:
            article["assessed_quarters"] = quarters[key]
    return data


def test_a_file_without_the_key_follows_the_frequency_and_the_export_names_the_quarters(db):
    edition = edition_import(data=handbook_document(version="Q1"))
    exported = {a["code"]: a["assessed_quarters"] for a in edition_to_dict(edition)["articles"]}
    assert exported == {"1-01": [1, 2, 3, 4], "2-02": [1, 2, 3, 4], "3-03": [4], "1-04": [1, 2, 3, 4]}
    assert set(edition.articles.values_list("assessed_quarters", flat=True)) == {""}


def test_quarters_named_by_the_file_are_kept_and_the_frequencys_own_are_stored_as_following_it(db):
    edition = edition_import(data=_document(**{"3_03": [1], "1_01": [1, 2, 3, 4], "2_02": "2,4"}))
    stored = dict(edition.articles.values_list("code", "assessed_quarters"))
    assert stored == {"1-01": "", "2-02": "24", "3-03": "1", "1-04": ""}
    assert edition.articles.get(code="3-03").quarters_assessed == (1,)


@pytest.mark.parametrize("bad", [[5], [2, 2], "Q5", "every", True, {"q": 1}, [1.5]])
def test_bad_quarters_are_refused_with_the_article_named(db, bad):
    with pytest.raises(ValidationError) as refused:
        edition_import(data=_document(**{"3_03": bad}))
    assert any(
        m.startswith("Article 3-03: “assessed_quarters” must list quarters 1 to 4") for m in refused.value.messages
    )


def test_the_xlsx_form_round_trips_the_quarters(db):
    data = _document(**{"3_03": [1, 3]})
    edition = edition_import(data=data)
    exported = edition_to_dict(edition)
    back = xlsx_to_handbook(BytesIO(handbook_to_xlsx(exported)))
    assert {a["code"]: a["assessed_quarters"] for a in back["articles"]}["3-03"] == "1,3"
    again = edition_import(data=back | {"version": "Q1-xlsx"})
    assert edition_to_dict(again)["articles"] == exported["articles"]


def test_the_default_edition_names_the_quarters_of_every_article(default_edition):
    exported = edition_to_dict(default_edition)["articles"]
    assert all(a["assessed_quarters"] for a in exported)
    assert next(a for a in exported if a["code"] == "1-03")["assessed_quarters"] == [4]


def test_the_editor_ticks_the_quarters_and_an_empty_choice_follows_the_frequency(world, as_role):
    draft = edition_start_draft(source=make_edition(version="V1"), version="V2")
    article = draft.articles.get(code="3-03")  # yearly: Q4 by its frequency
    url = reverse("handbook:article_edit", kwargs={"pk": article.pk})
    form = as_role("administrator").get(url).content.decode()
    assert 'name="assessed_quarters" value="4"' in form
    data = {
        f: getattr(article, f)
        for f in ("code", "title", "line", "who_role", "what", "who", "how", "when", "frequency", "due_kind")
    }
    data |= {"part": article.part_id, "due_value": article.due_value or "", "standard": article.standard}
    data |= {"evidence": article.evidence, "example": article.example, "max_score": article.max_score}
    data |= {"deductions_text": "少开一次 | 1 | 3", "assessed_quarters": ["2", "4"]}
    assert as_role("administrator").post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.assessed_quarters == "24"
    page = as_role("administrator").get(reverse("handbook:article", kwargs={"pk": article.pk})).content.decode()
    # The visible text: a random CSRF token in an attribute may well hold "Q2".
    assert "second quarter, fourth quarter" in page and "Q2" not in visible_text(page)
    data.pop("assessed_quarters")
    assert as_role("administrator").post(url, data).status_code == 302
    article.refresh_from_db()
    assert (article.assessed_quarters, article.quarters_assessed) == ("", (4,))
    data["assessed_quarters"] = ["9"]
    assert as_role("administrator").post(url, data).status_code == 200
    article.refresh_from_db()
    assert article.assessed_quarters == ""


def test_the_api_reads_and_writes_the_quarters(world):
    draft = edition_start_draft(source=make_edition(version="V1"), version="V2")
    article = draft.articles.get(code="3-03")
    client = api_client_for(world, "administrator")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("api:handbook-article-detail", kwargs={"pk": article.pk})
    assert client.get(url).json()["assessed_quarters"] == [4]
    response = client.patch(url, {"assessed_quarters": [3, 1]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["assessed_quarters"] == [1, 3]
    assert Article.objects.get(pk=article.pk).assessed_quarters == "13"
    for bad in ([5], [1, 1], "x"):
        assert client.patch(url, {"assessed_quarters": bad}, format="json").status_code == 400
    assert client.patch(url, {"assessed_quarters": []}, format="json").json()["assessed_quarters"] == [4]


def test_the_diff_of_a_draft_names_a_change_of_quarters(world):
    from handbook.selectors import edition_diff
    from handbook.services import article_save

    old = make_edition(version="V1")
    draft = edition_start_draft(source=old, version="V2")
    article_save(article=draft.articles.get(code="3-03"), fields={"assessed_quarters": "1"})
    row = next(r for r in edition_diff(old, draft) if r.code == "3-03")
    assert row.changes == [("assessed in quarters", "fourth quarter", "first quarter")]


def test_the_quarters_read_as_words_in_chinese_never_as_q_codes(world):
    from django.utils import translation

    article = make_edition(version="V1").articles.get(code="3-03")
    article.assessed_quarters = "24"
    with translation.override("zh-hans"):
        assert article.quarters_text == "第二季度、第四季度"
