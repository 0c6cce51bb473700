"""/api/v1/handbook/: editions, parts, articles with their deduction rules, publishing."""

import pytest
from django.urls import reverse

from handbook.models import Article, Edition, EditionStatus
from tests.conftest import World
from tests.factories import make_edition

EDITIONS = "/api/v1/handbook/editions/"
ARTICLES = "/api/v1/handbook/articles/"
IN_FORCE = "/api/v1/handbook/editions/in-force/"


@pytest.fixture
def in_force(world: World) -> Edition:
    return make_edition(version="T1", articles=6)


@pytest.fixture
def draft(in_force: Edition) -> Edition:
    return make_edition(version="T2", articles=4, published=False)


def _codes(response: object) -> list[str]:
    return [a["code"] for a in response.json()["results"]]  # type: ignore[attr-defined]


def test_everyone_with_a_role_reads_the_edition_in_force_with_its_parts(api_as, in_force: Edition) -> None:
    for role in ("member", "secretary_b", "reviewer"):
        response = api_as(role).get(IN_FORCE)
        assert response.status_code == 200
        body = response.json()
        assert (body["id"], body["status"], body["article_count"]) == (in_force.pk, "published", 6)
        assert [p["number"] for p in body["parts"]] == [1, 2, 3]


def test_someone_without_any_role_may_not_read_the_handbook(api_as, in_force: Edition) -> None:
    for url in (EDITIONS, IN_FORCE, ARTICLES, reverse("api:handbook-edition-detail", kwargs={"pk": in_force.pk})):
        response = api_as("outsider").get(url)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"


def test_with_no_edition_in_force_the_in_force_endpoint_is_a_404_and_articles_are_empty(api_as, world: World) -> None:
    assert api_as("member").get(IN_FORCE).status_code == 404
    assert api_as("member").get(ARTICLES).json()["count"] == 0


def test_drafts_are_listed_and_read_only_by_administrators(api_as, draft: Edition) -> None:
    url = reverse("api:handbook-edition-detail", kwargs={"pk": draft.pk})
    admin = api_as("administrator").get(EDITIONS).json()
    assert [e["version"] for e in admin["results"]] == ["T2", "T1"]
    assert api_as("administrator").get(url).status_code == 200
    assert [e["version"] for e in api_as("secretary_a").get(EDITIONS).json()["results"]] == ["T1"]
    assert api_as("secretary_a").get(url).status_code == 404
    assert api_as("secretary_a").get(ARTICLES, {"edition": draft.pk}).status_code == 404


def test_editions_filter_by_status_search_and_order(api_as, draft: Edition) -> None:
    client = api_as("administrator")
    assert [e["version"] for e in client.get(EDITIONS, {"status": "draft"}).json()["results"]] == ["T2"]
    assert [e["version"] for e in client.get(EDITIONS, {"ordering": "version"}).json()["results"]] == ["T1", "T2"]
    assert client.get(EDITIONS, {"search": "T2"}).json()["count"] == 1
    assert client.get(EDITIONS, {"status": "nonsense"}).status_code == 400


def test_an_editions_parts_are_listed_in_order(api_as, in_force: Edition) -> None:
    response = api_as("member").get(reverse("api:handbook-edition-parts", kwargs={"pk": in_force.pk}))
    assert [(p["number"], p["title"]) for p in response.json()] == [
        (1, "基层党建工作制度"),
        (2, "党建主题活动要求及范例"),
        (3, "党建资料台账要求及范例"),
    ]


def test_articles_of_the_edition_in_force_come_by_part_with_their_deduction_rules(api_as, in_force: Edition) -> None:
    response = api_as("member").get(ARTICLES)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    assert [a["part_number"] for a in body["results"]] == sorted(a["part_number"] for a in body["results"])
    first = body["results"][0]
    assert [d["description"] for d in first["deductions"]] == ["少开一次 −1", "记录不全 −0.5"]
    assert first["due_rule"] and first["due_rule_text"]


def test_articles_filter_by_part_line_frequency_and_edition(api_as, draft: Edition) -> None:
    client = api_as("administrator")
    assert _codes(client.get(ARTICLES, {"part": 2})) == ["2-02", "2-05"]
    assert _codes(client.get(ARTICLES, {"line": "union"})) == ["2-02", "2-05"]
    assert _codes(client.get(ARTICLES, {"frequency": "yearly"})) == ["3-03"]
    assert len(_codes(client.get(ARTICLES, {"edition": draft.pk}))) == 4
    assert len(_codes(client.get(ARTICLES, {"line": "", "frequency": ""}))) == 6
    assert client.get(ARTICLES, {"line": "nonsense", "part": 0}).status_code == 400


def test_articles_are_searched_in_every_text_and_in_the_deduction_rules(api_as, in_force: Edition) -> None:
    client = api_as("secretary_a")
    assert _codes(client.get(ARTICLES, {"search": "测试条款3"})) == ["3-03"]
    assert client.get(ARTICLES, {"search": "记录不全"}).json()["count"] == 6
    assert client.get(ARTICLES, {"search": "没有这样的词"}).json()["count"] == 0


def test_an_article_is_read_with_its_deduction_rules(api_as, in_force: Edition) -> None:
    article = in_force.articles.get(code="1-01")
    response = api_as("member").get(reverse("api:handbook-article-detail", kwargs={"pk": article.pk}))
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["edition"], body["part_number"]) == ("1-01", in_force.pk, 1)
    assert [(d["points"], d["cap"]) for d in body["deductions"]] == [("1.00", "3.00"), ("0.50", None)]


def test_a_drafts_article_is_a_404_to_everyone_but_administrators(api_as, draft: Edition) -> None:
    article = Article.objects.get(edition=draft, code="1-01")
    url = reverse("api:handbook-article-detail", kwargs={"pk": article.pk})
    assert api_as("reviewer").get(url).status_code == 404
    assert api_as("administrator").get(url).status_code == 200


def test_the_administrator_publishes_a_draft_and_the_old_edition_retires(api_as, in_force: Edition, draft) -> None:
    response = api_as("administrator").post(reverse("api:handbook-edition-publish", kwargs={"pk": draft.pk}))
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    in_force.refresh_from_db()
    assert in_force.status == EditionStatus.RETIRED
    assert api_as("member").get(IN_FORCE).json()["version"] == "T2"


def test_publishing_what_is_not_a_publishable_draft_is_a_409(api_as, in_force: Edition, draft: Edition) -> None:
    client = api_as("administrator")
    response = client.post(reverse("api:handbook-edition-publish", kwargs={"pk": in_force.pk}))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    draft.articles.filter(code="1-01").delete()  # the max scores no longer add up to 100
    response = client.post(reverse("api:handbook-edition-publish", kwargs={"pk": draft.pk}))
    assert response.status_code == 409
    assert "100" in response.json()["error"]["message"]
    draft.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT


def test_only_administrators_publish(api_as, draft: Edition) -> None:
    for role in ("reviewer", "secretary_a", "member"):
        response = api_as(role).post(reverse("api:handbook-edition-publish", kwargs={"pk": draft.pk}))
        assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT


def _article_url(article: Article) -> str:
    return reverse("api:handbook-article-detail", kwargs={"pk": article.pk})


def test_the_administrator_edits_a_drafts_article_and_replaces_its_deduction_rules(api_as, draft: Edition) -> None:
    article = draft.articles.get(code="1-01")
    data = {
        "title": "按期召开支委会",
        "what": "每月召开支委会\r\n研究工作",
        "deductions": [{"description": "少开一次", "points": "2", "cap": "6"}, {"description": "无记录", "points": 1}],
    }
    response = api_as("administrator").patch(_article_url(article), data, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["what"]) == ("按期召开支委会", "每月召开支委会\n研究工作")
    assert [(d["description"], d["points"], d["cap"]) for d in body["deductions"]] == [
        ("少开一次", "2.00", "6.00"),
        ("无记录", "1.00", None),
    ]


def test_an_article_that_breaks_the_rules_is_a_400_and_changes_nothing(api_as, draft: Edition, in_force) -> None:
    article = draft.articles.get(code="1-01")  # a monthly article
    client = api_as("administrator")
    weekly = client.patch(_article_url(article), {"frequency": "weekly", "due_value": 9}, format="json")
    assert weekly.status_code == 400
    assert set(weekly.json()["error"]["fields"]) == {"due_value"}
    other_part = in_force.parts.get(number=2)
    assert client.patch(_article_url(article), {"part": other_part.pk}, format="json").status_code == 400
    no_rules = client.patch(_article_url(article), {"deductions": []}, format="json")
    assert no_rules.status_code == 400
    cap_too_big = client.patch(
        _article_url(article), {"deductions": [{"description": "x", "points": 1, "cap": 99}]}, format="json"
    )
    assert cap_too_big.status_code == 400
    article.refresh_from_db()
    assert (article.frequency, article.deductions.count()) == ("monthly", 2)


def test_an_article_of_the_edition_in_force_is_not_edited_a_409(api_as, in_force: Edition) -> None:
    article = in_force.articles.get(code="1-01")
    response = api_as("administrator").patch(_article_url(article), {"title": "改"}, format="json")
    assert response.status_code == 409
    article.refresh_from_db()
    assert article.title != "改"


def test_only_administrators_edit_articles(api_as, draft: Edition) -> None:
    article = draft.articles.get(code="1-01")
    assert api_as("secretary_a").patch(_article_url(article), {"title": "改"}, format="json").status_code == 403
    assert api_as("outsider").patch(_article_url(article), {"title": "改"}, format="json").status_code == 403


def test_a_deduction_rule_without_points_is_a_400_even_in_a_patch(api_as, draft: Edition) -> None:
    article = draft.articles.get(code="1-01")
    before = list(article.deductions.values_list("description", "points"))
    response = api_as("administrator").patch(
        _article_url(article), {"max_score": "", "deductions": [{"description": "0", "cap": ""}]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert list(article.deductions.values_list("description", "points")) == before


@pytest.mark.parametrize("edition", ["²", "0", str(10**20), "one"])
def test_a_bad_edition_is_a_400_naming_it(api_as, in_force: Edition, edition: str) -> None:
    response = api_as("member").get(ARTICLES, {"edition": edition})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and list(error["fields"]) == ["edition"]
