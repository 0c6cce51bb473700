"""The data migration brings an already loaded default edition up to the shipped file, and
leaves alone what a company changed or what a scorecard already applied."""

import importlib

from django.apps import apps

from assessments.models import LineDeduction, Side
from handbook.models import Deduction
from tests.factories import open_scorecard

migration = importlib.import_module("assessments.migrations.0015_patch_default_edition")


def _as_before(edition) -> None:
    """The edition as a database loaded before the fix holds it."""
    Deduction.objects.filter(article__edition=edition).update(measure="", measure_params={})
    article = edition.articles.get(code="1-20")
    article.standard = article.standard.replace(migration.NEW_1_20, migration.OLD_1_20)
    article.save()
    Deduction.objects.filter(article__edition=edition, description=migration.MAKEUP_1_01).delete()
    Deduction.objects.filter(article__edition=edition, description=migration.NEW_1_01).update(
        description=migration.OLD_1_01
    )
    Deduction.objects.filter(article__edition=edition, article__code="3-18", description__contains="超过5分").update(
        description="自查得分与检查得分偏差超过10分，每次扣0.5分，最多扣1分"
    )


def test_the_shipped_rows_are_patched(default_edition):
    _as_before(default_edition)
    Deduction.objects.filter(article__edition=default_edition, article__code="1-06").update(
        description="公司自己改写的规则"
    )
    migration.patch(apps, None)
    rules = Deduction.objects.filter(article__edition=default_edition)
    assert rules.exclude(measure="").count() == 35  # 1-06's rewritten rule keeps no measure
    assert rules.filter(description=migration.MAKEUP_1_01, measure="absent_no_makeup").exists()
    assert rules.filter(article__code="3-18", description__contains="超过5分").exists()
    assert "有党旗" in default_edition.articles.get(code="1-20").standard
    migration.patch(apps, None)  # twice changes nothing
    assert rules.filter(description=migration.MAKEUP_1_01).count() == 1


def test_a_rule_a_scorecard_applied_keeps_its_wording(world, default_edition):
    _as_before(default_edition)
    card = open_scorecard(world.branch_a, year=2026, quarter=3)
    line = card.lines.get(article__code="1-01")
    old = Deduction.objects.get(article__edition=default_edition, description=migration.OLD_1_01)
    LineDeduction.objects.create(line=line, rule=old, side=Side.SELF, count=1)
    migration.patch(apps, None)
    old.refresh_from_db()
    assert old.description == migration.OLD_1_01
    assert not Deduction.objects.filter(description=migration.MAKEUP_1_01).exists()
