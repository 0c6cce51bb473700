"""The default edition shipped with the software, and the command that loads it."""

from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from handbook.exchange import ARTICLE_KEYS
from handbook.models import Article, Edition, EditionStatus, Frequency
from handbook.services import load_default_edition

TEXT_FIELDS = ("code", "title", "what", "who", "how", "when", "standard", "evidence", "example")


def test_the_default_edition_has_3_parts_52_articles_scores_summing_to_100_and_no_empty_field(default_edition):
    assert default_edition.status == EditionStatus.PUBLISHED
    assert [p.title for p in default_edition.parts.order_by("number")] == [
        "基层党建工作制度",
        "党建主题活动要求及范例",
        "党建资料台账要求及范例",
    ]
    articles = list(default_edition.articles.prefetch_related("deductions"))
    assert len(articles) == 52
    assert sum(a.max_score for a in articles) == Decimal(100)
    for article in articles:
        for name in TEXT_FIELDS:
            assert getattr(article, name).strip(), f"{article.code} has an empty {name}"
        assert article.line and article.who_role and article.frequency and article.due_kind
        assert article.deductions.all(), f"{article.code} has no deduction rule"
        for rule in article.deductions.all():
            assert rule.description.strip() and rule.points > 0
            assert rule.cap is None or rule.cap <= article.max_score
        article.full_clean()


def test_the_default_edition_covers_every_line_and_the_core_systems(default_edition):
    articles = default_edition.articles.all()
    assert {a.line for a in articles} == {"party", "union", "league"}
    titles = " ".join(a.title for a in articles)
    for topic in ("三会一课", "组织生活会", "民主评议", "发展党员", "党费", "谈心谈话", "换届", "党务公开", "流动党员"):
        assert topic in titles
    assert {a.frequency for a in articles} >= {Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.YEARLY}


def test_loading_the_default_edition_twice_does_nothing_the_second_time(db):
    first = load_default_edition()
    second = load_default_edition()
    assert first == second
    assert Edition.objects.count() == 1
    assert Article.objects.count() == 52


def test_the_load_command_publishes_then_reports_nothing_to_do(db):
    out = StringIO()
    call_command("load_default_handbook", stdout=out)
    assert "Loaded and published" in out.getvalue()
    out = StringIO()
    call_command("load_default_handbook", stdout=out)
    assert "Nothing to do" in out.getvalue()
    assert Edition.objects.get().status == EditionStatus.PUBLISHED


def test_the_default_edition_is_left_alone_when_a_company_edition_is_in_force(db):
    from tests.factories import make_edition

    own = make_edition(version="OWN-1")
    assert load_default_edition() == own
    assert Edition.objects.count() == 1


def test_the_exchange_keys_are_the_default_files_keys(default_edition):
    import json

    from handbook.services import DEFAULT_EDITION_FILE

    data = json.loads(DEFAULT_EDITION_FILE.read_text(encoding="utf-8"))
    for article in data["articles"]:
        assert set(article) == set(ARTICLE_KEYS)
