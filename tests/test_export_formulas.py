"""Every spreadsheet the product writes escapes text a spreadsheet program would run as a
formula (formula / CSV injection): the roster, the handbook, a reminder sheet and the yearly
scores. Each is downloaded as its users get it and read back cell by cell."""

import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from branches.models import Organisation
from handbook.models import Article
from tasks.models import ReminderSheet, SheetKind
from tasks.services import reminders_send
from tests.conftest import World
from tests.factories import MemberFactory, open_scorecard

FORMULA = '=HYPERLINK("http://attacker.invalid","点此查看")'


def _texts(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"], "a cell holds a formula"
    return [cell.value for cell in cells if isinstance(cell.value, str)]


def _assert_escaped(texts: list[str]) -> None:
    assert any(text.startswith("'" + FORMULA) for text in texts)
    assert not [text for text in texts if text.startswith(("=", "+", "@"))]


def test_the_roster_export_escapes_formulas(world: World, as_role) -> None:
    MemberFactory(branch=world.branch_a, name=FORMULA[:50], phone="+8613800000000")
    texts = _texts(as_role("administrator").get(reverse("members:export", kwargs={"pk": world.branch_a.pk})))
    assert "'" + FORMULA[:50] in texts and "'+8613800000000" in texts


def test_the_handbook_export_escapes_formulas(default_edition, as_role) -> None:
    Article.objects.filter(pk=default_edition.articles.order_by("code").first().pk).update(standard=FORMULA)
    url = reverse("handbook:edition_export", kwargs={"pk": default_edition.pk, "fmt": "xlsx"})
    _assert_escaped(_texts(as_role("reviewer").get(url)))


def test_a_reminder_sheet_escapes_formulas(default_edition, world: World, as_role) -> None:
    Organisation.objects.filter(pk=world.branch_a.pk).update(name=FORMULA)
    reminders_send(kind=SheetKind.MONTHLY, on=dt.date(2026, 11, 1))
    sheet = ReminderSheet.objects.get(branch=world.branch_a)
    _assert_escaped(_texts(as_role("secretary_a").get(reverse("tasks:sheet_xlsx", args=[sheet.pk]))))


def test_the_yearly_scores_escape_formulas(default_edition, world: World, as_role) -> None:
    open_scorecard(world.branch_a, year=2026, quarter=3)
    Organisation.objects.filter(pk=world.branch_a.pk).update(name=FORMULA)
    url = reverse("assessments:export") + "?year=2026"
    _assert_escaped(_texts(as_role("reviewer").get(url)))


def test_an_articles_fill_in_form_escapes_formulas(default_edition, as_role) -> None:
    article = default_edition.articles.get(code="1-06")
    Article.objects.filter(pk=article.pk).update(example=f"{FORMULA}\n{FORMULA}|@列\n+1|=2\n{FORMULA}：值")
    _assert_escaped(_texts(as_role("member").get(reverse("handbook:article_fill_in", kwargs={"pk": article.pk}))))
