"""The dashboard's figures kept in the cache between writes (assessments/dashboard_cache.py):
every table the figures read is watched, every write path of them moves the right
generation on (the next read shows the change), a read between writes costs no query, the
generation moves again when a transaction commits, and a cache that fails fails nothing."""

import datetime as dt
import re

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments import dashboard_cache, dashboard_generations
from assessments.dashboard import dashboard_for, task_figures
from assessments.dashboard_cache import cached_dashboard, kept_html
from assessments.dashboard_generations import (
    CARDS,
    TASKS,
    WATCHED,
    generation,
    groups_written,
    unfinished_card_writes,
)
from assessments.models import RectificationStatus
from assessments.services.plans import assessment_plan_create
from assessments.services.rectification import rectification_verify
from assessments.services.review import scorecard_return
from assessments.views.dashboard import TASKS_HERE
from branches.services import organisation_dissolve, organisation_update
from handbook.models import Article
from tasks.models import Task, TaskStatus
from tasks.services.lifecycle import task_complete
from tests.factories import (
    RECORDS_REASON,
    UserFactory,
    final_scorecard,
    make_edition,
    make_org,
    make_task,
    open_scorecard,
    rectification_item,
    submit_card,
)

TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def boss(world):
    make_edition(version="T1")
    return UserFactory(username="boss", is_superuser=True)


def _board(world, **kwargs):
    """The figures as the page asks for them (today's date: the page's own)."""
    return cached_dashboard(world.committee, year=2026, quarter=3, shown=100, **kwargs)


def _tables_in(queries: list[dict]) -> set[str]:
    known = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return {name for query in queries for name in re.findall(r'"(\w+)"', query["sql"]) if name in known}


def test_every_table_the_figures_read_is_watched_for_its_group(world, boss):
    root = world.committee
    with CaptureQueriesContext(connection) as cards:
        dashboard_for(root, year=2026, quarter=3, today=TODAY, shown=100, with_tasks=False)
    with CaptureQueriesContext(connection) as tasks:
        task_figures(root, year=2026, quarter=3, today=TODAY, shown=100)
    for group, queries in ((CARDS, cards.captured_queries), (TASKS, tasks.captured_queries)):
        read = _tables_in(queries)
        assert read, group
        unwatched = sorted(table for table in read if group not in WATCHED.get(table, ()))
        assert unwatched == [], f"{group} figures read tables no write of which moves them on: {unwatched}"


@pytest.mark.parametrize(
    ("sql", "groups"),
    [
        ('SELECT * FROM "assessments_scorecard"', set()),
        ('UPDATE "assessments_scorecard" SET "status" = %s', {CARDS}),
        ('INSERT INTO "tasks_tasktally" ("a") VALUES (1) ON CONFLICT ("a") DO UPDATE SET "a" = 1', {TASKS}),
        ('WITH c (a) AS (VALUES (1)) INSERT INTO "tasks_taskquartertally" SELECT a FROM c', {TASKS}),
        ('DELETE FROM "branches_organisation" WHERE "id" = 1', {CARDS, TASKS}),
        ('UPDATE "assessments_scorecardline" SET "self_score" = 1', {CARDS}),
        ('INSERT INTO "tasks_task" ("a") VALUES (1)', set()),  # the tasks are read through tallies
        ('TRUNCATE "assessments_scorecard", "tasks_task"', {CARDS, TASKS}),
        ("SAVEPOINT s1", set()),
        ("insert into assessments_articlerollup select 1 from branches_organisation", {CARDS}),
    ],
)
def test_a_statement_moves_on_the_groups_of_the_table_it_writes(sql, groups):
    assert groups_written(sql) == groups


def test_a_read_between_writes_costs_no_query_and_gives_the_same_figures(world, boss, django_assert_num_queries):
    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss, deductions=2)
    first = _board(world)
    with django_assert_num_queries(0):
        again = _board(world)
    assert again.counts == first.counts
    assert again.ranking == first.ranking
    assert again.tasks == first.tasks
    assert again.top_deducted == first.top_deducted


def test_the_page_reads_its_figures_from_the_cache(world, boss, as_role):
    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss)
    reviewer = as_role("reviewer")
    url = reverse("assessments:dashboard") + "?quarter=2026Q3"
    reviewer.get(url.replace("Q3", "Q2"))  # warms the per-process caches (translations, types)
    with CaptureQueriesContext(connection) as first:
        assert reviewer.get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        body = reviewer.get(url).content.decode()
    with CaptureQueriesContext(connection) as figures:
        dashboard_for(world.committee, year=2026, quarter=3, shown=100)
    # The figures' queries are gone, the page's own (session, user, scope) stay.
    assert len(first) - len(second) == len(figures) >= 10
    assert "一号项目部党支部" in body


def test_off_the_figures_are_computed_every_time(world, boss, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as first:
        _board(world)
    with CaptureQueriesContext(connection) as again:
        _board(world)
    assert len(again) == len(first) >= 10


def test_a_card_step_shows_at_once_and_leaves_the_task_figures_kept(world, boss):
    card = submit_card(open_scorecard(world.branch_a, year=2026, quarter=3), by=boss, reason=RECORDS_REASON)
    assert _board(world).counts["submitted"] == 1
    tasks_before = generation(TASKS)
    scorecard_return(scorecard=card, by=boss, version=card.version, reason="台账不全，请补充")
    board = _board(world)
    assert (board.counts["submitted"], board.counts["returned"]) == (0, 1)
    assert generation(TASKS) == tasks_before


def test_a_final_card_moves_the_ranking_and_the_most_deducted_articles(world, boss):
    assert _board(world).ranked == 0
    final_scorecard(world.branch_b, year=2026, quarter=3, by=boss, deductions=4)
    board = _board(world)
    assert board.ranked == 1
    assert board.top_deducted[0]["code"] == "1-01"


def test_a_task_done_shows_at_once_and_leaves_the_card_figures_kept(world, boss):
    article = Article.objects.order_by("pk").first()
    task = make_task(world.branch_a, article, due_on=dt.date(2026, 8, 3))
    board = _board(world)
    assert (board.tasks.branches, board.tasks.overdue) == (1, 1)
    cards_before = generation(CARDS)
    task_complete(task=task, by=world.secretary_a, note="已完成")
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE
    assert _board(world).tasks.overdue == 0
    assert generation(CARDS) == cards_before


def test_tasks_made_by_generation_show_at_once(world, boss):
    from tasks.services.generation import tasks_generate

    assert _board(world).tasks.branches == 0
    tasks_generate(first=dt.date(2026, 7, 1), last=dt.date(2026, 9, 30))
    assert _board(world).tasks.branches == 2


def test_a_rectification_item_closed_shows_at_once(world, boss):
    item = rectification_item(world.branch_a, by=boss, year=2026, quarter=2)
    assert _board(world).open_items == 1
    item.status = RectificationStatus.DONE
    item.save(update_fields=["status"])
    rectification_verify(item=item, by=boss, accept=True)
    assert _board(world).open_items == 0


def test_a_plan_made_shows_at_once(world, boss):
    assert _board(world).plans == []
    assessment_plan_create(organisation=world.committee, year=2026, quarter=3, by=boss, sample_percent=100, seed=1)
    assert len(_board(world).plans) == 1


def test_a_branch_renamed_added_or_dissolved_shows_at_once(world, boss):
    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss)
    assert _board(world).counts["branches"] == 2
    organisation_update(by=boss, organisation=world.branch_a, name="更名后的支部")
    assert _board(world).ranking[0].name == "更名后的支部"
    make_org(world.general, name="新支部")
    assert _board(world).counts["branches"] == 3
    organisation_dissolve(by=boss, organisation=world.branch_b, on=dt.date(2026, 11, 1), reason="项目结束")
    assert _board(world).counts["branches"] == 2


def test_an_articles_new_title_shows_at_once(world, boss):
    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss, deductions=1)
    assert _board(world).top_deducted[0]["code"] == "1-01"
    Article.objects.filter(code="1-01").update(title="新的条目名称")
    assert _board(world).top_deducted[0]["title"] == "新的条目名称"


def test_each_language_keeps_its_own_labels(world, boss):
    with translation.override("zh-hans"):
        chinese = dict((code, label) for code, label, _ in _board(world).grades)
    with translation.override("en"):
        english = dict((code, label) for code, label, _ in _board(world).grades)
    assert chinese["good"] != english["good"]


@pytest.mark.django_db(transaction=True)
def test_a_transaction_moves_the_generation_on_again_when_it_commits(world):
    moved = []
    with transaction.atomic():
        before = generation(CARDS)
        organisation_update(by=None, organisation=world.branch_a, name="甲")
        organisation_update(by=None, organisation=world.branch_a, name="乙")
        during = generation(CARDS)
        assert during > before  # the writer's own reads see the change
        moved.append(during)
    assert generation(CARDS) == moved[0] + 1  # one more at the commit, not one per statement
    # A rolled-back transaction leaves no commit to wait for: the next one queues its own.
    with pytest.raises(RuntimeError), transaction.atomic():
        organisation_update(by=None, organisation=world.branch_a, name="丙")
        raise RuntimeError
    with transaction.atomic():
        organisation_update(by=None, organisation=world.branch_a, name="丁")
        during = generation(CARDS)
    assert generation(CARDS) == during + 1


def test_a_cache_that_fails_fails_neither_a_page_nor_a_write(world, boss, monkeypatch, as_role):
    def down(*args, **kwargs):
        raise ConnectionError("the cache does not answer")

    for method in ("get", "set", "add", "incr"):
        monkeypatch.setattr(cache, method, down)
    organisation_update(by=boss, organisation=world.branch_a, name="写入照常")
    assert _board(world).counts["branches"] == 2
    assert as_role("reviewer").get(reverse("assessments:dashboard") + "?quarter=2026Q3").status_code == 200


def test_an_evicted_generation_starts_again_above_every_earlier_one(world):
    organisation_update(by=None, organisation=world.branch_a, name="甲")
    old = generation(CARDS)
    cache.delete(dashboard_generations._key(CARDS))
    assert generation(CARDS) > old


def _figures(page: str) -> str:
    """The page's figures: from the tiles to the end of the main column (the rest of the
    page holds a CSRF token masked anew for each answer)."""
    return page.split('<section class="dash-tiles"', 1)[1].split("</main>", 1)[0]


def test_the_pages_rendering_is_kept_with_the_figures_and_renewed_with_them(world, boss, as_role):
    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss)
    reviewer = as_role("reviewer")
    url = reverse("assessments:dashboard") + "?quarter=2026Q3"
    first = reviewer.get(url).content.decode()
    renders = []

    def render():
        renders.append(1)
        return "rendered"

    board = _board(world, sort="gap")  # an order the page has not been asked in
    assert kept_html(board, CARDS, render) == kept_html(board, CARDS, render) == "rendered"
    assert len(renders) == 1  # kept after the first
    # The page kept its own renderings under its board's keys.
    before, after = kept_html(_board(world, sort="score"), CARDS, render).split(TASKS_HERE)
    tasks = kept_html(_board(world, sort="score"), TASKS, render)
    assert before + tasks + after in first
    assert len(renders) == 1
    assert _figures(reviewer.get(url).content.decode()) == _figures(first)
    organisation_update(by=boss, organisation=world.branch_a, name="页面上的新名称")
    again = reviewer.get(url).content.decode()
    assert "页面上的新名称" in again and "一号项目部党支部" not in again
    # One rendering per language, both kept.
    pages = {}
    for language in ("en", "zh-hans", "en", "zh-hans"):
        reviewer.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
        pages.setdefault(language, set()).add(_figures(reviewer.get(url).content.decode()))
    assert {len(found) for found in pages.values()} == {1}
    (english,), (chinese,) = pages["en"], pages["zh-hans"]
    assert "<h2>Ranking</h2>" in english and "<h2>排名</h2>" in chinese


def test_a_secretary_filling_her_card_and_a_reviewer_scoring_it_move_no_figure_on(world, boss):
    from assessments.services.review import review_line_save
    from assessments.services.scorecards import LineEdit, scorecard_line_seen, scorecard_lines_save
    from tests.factories import first_rule_counts

    final_scorecard(world.branch_b, year=2026, quarter=3, by=boss, deductions=2)
    card = open_scorecard(world.branch_a, year=2026, quarter=3)
    kept = _board(world)
    before = generation(CARDS)
    line = card.lines.select_related("article").order_by("article__code").first()
    scorecard_line_seen(line=line, by=world.secretary_a)
    card = scorecard_lines_save(
        scorecard=card,
        by=world.secretary_a,
        edits=[LineEdit(line_id=line.pk, counts=first_rule_counts(line, 1), version=line.version)],
    )
    assert generation(CARDS) == before
    card = submit_card(card, by=boss, reason=RECORDS_REASON)  # a status: moves it on
    assert generation(CARDS) > before
    kept = _board(world)
    before = generation(CARDS)
    line.refresh_from_db()
    review_line_save(line=line, by=boss, version=card.version, counts=first_rule_counts(line, 2))
    assert generation(CARDS) == before
    # What was kept is what the figures are: nothing they read had changed.
    fresh = dashboard_for(
        world.committee, year=2026, quarter=3, today=timezone.localdate(), shown=100, with_tasks=False
    )
    assert (kept.counts, kept.ranking, kept.top_deducted, kept.widest_gaps) == (
        fresh.counts,
        fresh.ranking,
        fresh.top_deducted,
        fresh.widest_gaps,
    )


def test_quiet_card_writes_stay_inside_their_block_and_silence_no_other_table(world):
    with unfinished_card_writes():
        assert groups_written('UPDATE "assessments_scorecard" SET "version" = 2') == set()
        assert groups_written('UPDATE "assessments_rectificationitem" SET "status" = 1') == {CARDS}
    assert groups_written('UPDATE "assessments_scorecard" SET "version" = 2') == {CARDS}


def test_readers_that_miss_at_once_wait_for_the_one_computing(monkeypatch):
    import threading

    key = "dashboard:test:entry"
    cache.add(f"{key}:computing", 1)  # another reader is computing it
    threading.Timer(0.2, lambda: cache.set(key, "its figures")).start()
    computed = []
    assert dashboard_cache._kept(key, lambda: computed.append(1) or "mine") == "its figures"
    assert computed == []
    # A computing reader that died: the others compute after waiting.
    monkeypatch.setattr(dashboard_cache, "WAIT_SECONDS", 0.1)
    cache.add("dashboard:test:other:computing", 1)
    assert dashboard_cache._kept("dashboard:test:other", lambda: "mine") == "mine"
    assert cache.get("dashboard:test:other") == "mine"


def test_a_reader_that_fails_computing_leaves_no_one_waiting_for_it():
    def broken():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        dashboard_cache._kept("dashboard:test:failed", broken)
    assert cache.get("dashboard:test:failed:computing") is None  # its mark is gone
    # A reader already waiting when the mark goes computes at once, not after WAIT_SECONDS.
    import threading
    import time

    cache.add("dashboard:test:failing:computing", 1)
    threading.Timer(0.1, lambda: cache.delete("dashboard:test:failing:computing")).start()
    started = time.monotonic()
    assert dashboard_cache._kept("dashboard:test:failing", lambda: "mine") == "mine"
    assert time.monotonic() - started < 2
