"""The dashboard reads the tasks app's statistics; the handbook's study focus reads the reviews."""

import datetime as dt

from django.urls import reverse
from django.utils import translation

from handbook.study import suggested_focus
from tasks.models import TaskStatus
from tests.conftest import World
from tests.factories import UserFactory, final_scorecard, make_edition, make_task


def test_the_dashboard_shows_the_quarters_task_on_time_rate_worst_branch_first(world: World, as_role) -> None:
    edition = make_edition(version="T1")
    article = edition.articles.first()
    make_task(world.branch_a, article, due_on=dt.date(2026, 8, 25), period_key="2026-08")
    make_task(
        world.branch_b,
        article,
        due_on=dt.date(2026, 8, 25),
        period_key="2026-08",
        status=TaskStatus.DONE,
        completed_at=dt.datetime(2026, 8, 20, 10, tzinfo=dt.UTC),
        delay_days=0,
    )
    with translation.override("en"):
        page = as_role("reviewer").get(reverse("assessments:dashboard") + "?quarter=2026Q3").content.decode()
    section = page[page.index('id="dash-tasks"') :]
    assert "50.0%" in section  # one of the two tasks due so far was done on time
    assert section.index("一号项目部党支部") < section.index("二号项目部党支部")  # 0% before 100%


def test_the_most_deducted_articles_of_the_final_reviews_are_suggested_as_next_quarters_study_focus(
    world: World,
) -> None:
    make_edition(version="T1")
    boss = UserFactory(username="boss", is_superuser=True)
    card = final_scorecard(world.branch_a, year=2026, quarter=3, by=boss, deductions=2)
    deducted = card.lines.filter(review_score__lt=card.lines.first().max_score).first().article
    suggestion = suggested_focus(organisation=world.committee, year=2026, quarter=4)
    assert [a.code for a in suggestion][:1] == [deducted.code]


def test_a_scorecard_line_lists_the_branchs_work_done_on_its_article_that_quarter(
    world: World, default_edition, as_role, django_assert_max_num_queries
) -> None:
    from tests.factories import open_scorecard

    card = open_scorecard(world.branch_a, year=2026, quarter=3)
    article = default_edition.articles.get(code="1-01")
    other = default_edition.articles.get(code="1-02")
    done = dict(status=TaskStatus.DONE, completed_at=dt.datetime(2026, 8, 20, 10, tzinfo=dt.UTC), delay_days=0)
    make_task(world.branch_a, article, due_on=dt.date(2026, 8, 25), period_key="2026-08", **done)
    make_task(world.branch_a, other, due_on=dt.date(2026, 8, 25), period_key="2026-08")  # still open
    make_task(world.branch_b, other, due_on=dt.date(2026, 8, 25), period_key="2026-08", **done)  # another branch
    make_task(world.branch_a, article, due_on=dt.date(2026, 5, 25), period_key="2026-05", **done)  # last quarter
    client = as_role("secretary_a")
    client.get(reverse("assessments:scorecard", args=[card.pk]))  # warm the per-process caches
    with django_assert_max_num_queries(12):
        page = client.get(reverse("assessments:scorecard", args=[card.pk])).content.decode()
    line_1_01 = page[page.index(f'id="line-{card.lines.get(article=article).pk}"') :]
    line_1_01 = line_1_01[: line_1_01.index("</form>")]
    assert line_1_01.count('href="/tasks/') == 1
    assert "2026-08" in line_1_01 and "2026-05" not in line_1_01
    line_1_02 = page[page.index(f'id="line-{card.lines.get(article=other).pk}"') :]
    assert 'href="/tasks/' not in line_1_02[: line_1_02.index("</form>")]
