"""The measures of a card in the API: per measured rule, what the records show, the count they
suggest, and what the branch claimed (and why)."""

from typing import Any

from rest_framework import serializers

from ..models import Scorecard


class FactSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="What the records show, in the reader's language.")
    url = serializers.CharField(help_text="The page of the records (empty for none).")


class MeasureSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The scorecard line.")
    article = serializers.CharField(help_text="The article's code, e.g. 1-01.")
    rule = serializers.IntegerField(help_text="The measured deduction rule.")
    description = serializers.CharField()
    measure = serializers.CharField(help_text="The measure's code, e.g. meetings_short.")
    suggested = serializers.IntegerField(help_text="The count the records suggest now.")
    claimed = serializers.IntegerField(help_text="The branch's count on its side.")
    suggested_when_saved = serializers.IntegerField(
        allow_null=True, help_text="The suggestion when the branch last saved or submitted the line (null: never)."
    )
    reason = serializers.CharField(help_text="Why the branch claimed another count (empty: none given).")
    facts = FactSerializer(many=True)


def measure_rows(card: Scorecard, lines: list[Any]) -> list[dict[str, Any]]:
    """Lines annotated by ``cards.attach_measures`` → one row per measured rule."""
    rows = []
    for line in lines:
        for rule, self_count, _review in line.rules:
            if rule.measured is None:
                continue
            rows.append(
                {
                    "line": line.pk,
                    "article": line.article.code,
                    "rule": rule.pk,
                    "description": rule.description,
                    "measure": rule.measure,
                    "suggested": rule.measured.count,
                    "claimed": self_count,
                    "suggested_when_saved": rule.claim.get("suggested"),
                    "reason": rule.reason,
                    "facts": [{"text": f.text, "url": f.url} for f in rule.measured.facts],
                }
            )
    return rows
