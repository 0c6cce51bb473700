"""Reading the handbook: browsing, filters, full-text search, one article, drafts kept private."""

import datetime as dt

from django.urls import reverse

from handbook.models import Article, DueKind, Frequency
from handbook.services import edition_start_draft
from tests.factories import make_edition


def test_the_index_lists_every_article_of_the_edition_in_force_by_part(default_edition, as_role):
    response = as_role("member").get(reverse("handbook:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "党建资料台账要求及范例" in body
    assert body.count('href="/handbook/articles/') == 52


def test_the_index_filters_by_part_line_and_frequency(default_edition, as_role):
    client = as_role("secretary_a")
    by_part = client.get(reverse("handbook:index"), {"part": 3}).context["articles"]
    assert by_part and all(a.part.number == 3 for a in by_part)
    union = client.get(reverse("handbook:index"), {"line": "union"}).context["articles"]
    assert union and all(a.line == "union" for a in union)
    monthly = client.get(reverse("handbook:index"), {"frequency": "monthly"}).context["articles"]
    assert monthly and all(a.frequency == "monthly" for a in monthly)


def test_search_finds_words_in_titles_and_in_the_body(default_edition, as_role):
    client = as_role("secretary_b")
    titles = [a.title for a in client.get(reverse("handbook:index"), {"q": "三会一课"}).context["articles"]]
    assert any("三会一课" in t for t in titles)
    body_hits = client.get(reverse("handbook:index"), {"q": "签到表"}).context["articles"]
    assert any("签到表" not in a.title and "签到表" in a.evidence + a.standard + a.how for a in body_hits)
    assert client.get(reverse("handbook:index"), {"q": "不存在的词语xyz"}).context["articles"] == []


def test_an_htmx_request_gets_only_the_article_list(default_edition, as_role):
    response = as_role("member").get(reverse("handbook:index"), {"line": "league"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


def test_the_article_page_shows_its_five_ws_deductions_and_example(default_edition, as_role):
    article = default_edition.articles.get(code="1-01")
    body = as_role("member").get(reverse("handbook:article", kwargs={"pk": article.pk})).content.decode()
    # The example is laid out line by line (handbook.examples): its first line is its heading.
    for text in (article.what[:10], article.how[:10], article.standard[:10], article.example.splitlines()[0]):
        assert text in body
    assert article.deductions.first().description in body


def test_an_empty_handbook_says_so(world, as_role):
    response = as_role("reviewer").get(reverse("handbook:index"))
    assert response.status_code == 200 and response.context["edition"] is None


def test_drafts_are_hidden_from_everyone_but_administrators(world, as_role):
    draft = edition_start_draft(source=make_edition(version="V1"), version="V2")
    article = draft.articles.first()
    assert as_role("reviewer").get(reverse("handbook:edition", kwargs={"pk": draft.pk})).status_code == 404
    assert as_role("secretary_a").get(reverse("handbook:article", kwargs={"pk": article.pk})).status_code == 404
    assert as_role("administrator").get(reverse("handbook:article", kwargs={"pk": article.pk})).status_code == 200
    versions = [e.version for e in as_role("member").get(reverse("handbook:editions")).context["editions"]]
    assert versions == ["V1"]


def _article(frequency: str, due_kind: str, due_value: int | None) -> Article:
    return Article(frequency=frequency, due_kind=due_kind, due_value=due_value)


def test_due_dates_follow_the_due_rule():
    q4 = (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert _article(Frequency.QUARTERLY, DueKind.END, None).due_date(*q4) == dt.date(2026, 12, 31)
    assert _article(Frequency.QUARTERLY, DueKind.DAY, 25).due_date(*q4) == dt.date(2026, 12, 25)
    assert _article(Frequency.QUARTERLY, DueKind.AFTER, 15).due_date(*q4) == dt.date(2027, 1, 15)
    assert _article(Frequency.MONTHLY, DueKind.DAY, 31).due_date(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == (
        dt.date(2026, 11, 30)
    )
    week = (dt.date(2026, 11, 16), dt.date(2026, 11, 22))  # Monday to Sunday
    assert _article(Frequency.WEEKLY, DueKind.DAY, 5).due_date(*week) == dt.date(2026, 11, 20)
    assert _article(Frequency.OCCASIONAL, DueKind.NONE, None).due_date(*q4) is None


def test_nonsense_filters_are_ignored(default_edition, as_role):
    response = as_role("member").get(
        reverse("handbook:index"), {"part": "99999999999999999999", "line": "army", "frequency": "x", "q": "a" * 500}
    )
    assert response.status_code == 200
    assert response.context["filters"]["part"] == "" and response.context["filters"]["line"] == ""
