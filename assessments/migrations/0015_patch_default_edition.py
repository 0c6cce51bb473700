"""Brings the shipped default edition (already loaded in a database) up to the shipped file:
the measures of its rules, and three content fixes.

Only rows still as shipped change: a rule is given its measure only while it has none; a text
is replaced only while it reads as shipped; a rule whose wording changes meaning (3-18's gap,
1-01's third rule) is reworded only while no scorecard has applied it, so no past deduction
changes what it meant (1-01's new fourth rule comes with its reworded third).
"""

import json
from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parents[2] / "handbook" / "data" / "default_edition.json"

OLD_1_20 = "“六有”要素齐全；宣传栏"
NEW_1_20 = "“六有”要素齐全（有场所、有标识、有党旗、有书报、有制度、有活动记录）；宣传栏"
OLD_1_01 = "会议记录要素不全或无签到表，每次扣0.5分，最多扣2分"
NEW_1_01 = "党员参会率低于90%，每次扣0.5分，最多扣2分"
MAKEUP_1_01 = "缺席党员未补学，每人次扣0.5分，最多扣1分"
REWORDED = {
    ("3-18", "自查得分与检查得分偏差超过10分，每次扣0.5分，最多扣1分"): "自查得分与检查得分偏差超过5分，每次扣0.5分，最多扣1分",
    ("1-01", OLD_1_01): NEW_1_01,
}


def patch(apps, schema_editor):
    Edition = apps.get_model("handbook", "Edition")
    Article = apps.get_model("handbook", "Article")
    Deduction = apps.get_model("handbook", "Deduction")
    LineDeduction = apps.get_model("assessments", "LineDeduction")
    data = json.loads(FILE.read_text(encoding="utf-8"))
    for edition in Edition.objects.filter(version=data["version"], title=data["title"]):
        article = Article.objects.filter(edition=edition, code="1-20").first()
        if article and OLD_1_20 in article.standard and NEW_1_20 not in article.standard:
            article.standard = article.standard.replace(OLD_1_20, NEW_1_20)
            article.save(update_fields=["standard"])
        for (code, old), new in REWORDED.items():
            rule = Deduction.objects.filter(article__edition=edition, article__code=code, description=old).first()
            if rule is None or LineDeduction.objects.filter(rule=rule).exists():
                continue
            rule.description = new
            rule.save(update_fields=["description"])
            if code == "1-01" and not Deduction.objects.filter(article=rule.article, description=MAKEUP_1_01).exists():
                Deduction.objects.create(
                    article=rule.article, position=rule.position + 1, description=MAKEUP_1_01, points="0.5", cap="1"
                )
        for shipped in data["articles"]:
            for rule in shipped["deductions"]:
                if "measure" in rule:
                    Deduction.objects.filter(
                        article__edition=edition,
                        article__code=shipped["code"],
                        description=rule["description"],
                        measure="",
                    ).update(measure=rule["measure"]["code"], measure_params=rule["measure"].get("params", {}))


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0014_line_measure_claims"),
        ("handbook", "0004_deduction_measures"),
    ]

    operations = [migrations.RunPython(patch, migrations.RunPython.noop)]
