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
