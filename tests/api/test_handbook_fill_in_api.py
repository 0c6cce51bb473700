"""The example of an article over the API: its blocks in the article's JSON, and the blank
form to fill in as the article page's download."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from handbook.example_form import XLSX
from handbook.models import Article, Edition


def _form_url(article: Article) -> str:
    return reverse("api:handbook-article-fill-in-form", kwargs={"pk": article.pk})


def test_an_article_carries_its_example_as_blocks(api_as, default_edition: Edition) -> None:
    article = default_edition.articles.get(code="1-06")
    body = api_as("member").get(reverse("api:handbook-article-detail", kwargs={"pk": article.pk})).json()
    kinds = [block["kind"] for block in body["example_blocks"]]
    assert kinds == ["paragraph", "table", "paragraph"]
    table = body["example_blocks"][1]
    assert table["header"][:2] == ["序号", "姓名"] and len(table["rows"]) == 3
    assert body["example_blocks"][2]["fields"][0] == {"label": "核定人", "value": "李XX（组织委员）"}
    assert body["example"].startswith("2026年党员党费交纳基数核定表")


def test_every_reader_downloads_the_fill_in_form(api_as, default_edition: Edition) -> None:
    article = default_edition.articles.get(code="3-02")
    for role in ("member", "secretary_b", "reviewer", "administrator"):
        response = api_as(role).get(_form_url(article))
        assert response.status_code == 200, role
        assert response["Content-Type"] == XLSX
        assert response["Content-Disposition"].startswith("attachment")
        sheet = load_workbook(BytesIO(response.content)).worksheets[0]
        assert sheet["A1"].value == "3-02 党员花名册"


def test_without_a_role_the_form_is_a_json_403(api_as, default_edition: Edition) -> None:
    response = api_as("outsider").get(_form_url(default_edition.articles.first()))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_an_article_without_an_example_has_no_form(api_as, default_edition: Edition) -> None:
    article = default_edition.articles.get(code="1-06")
    Article.objects.filter(pk=article.pk).update(example="")
    response = api_as("member").get(_form_url(article))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert (
        api_as("member").get(reverse("api:handbook-article-detail", kwargs={"pk": article.pk})).json()["example_blocks"]
        == []
    )


def test_asking_for_json_instead_of_the_file_is_a_406(api_as, default_edition: Edition) -> None:
    response = api_as("member").get(
        _form_url(default_edition.articles.get(code="1-06")), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 406
