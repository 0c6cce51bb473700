"""Roll-ups of final scorecards for the dashboard (优标).

A final card never changes, so what the dashboard sums over a subtree is kept summed: one row
per unit × quarter (the final cards' count and totals) and per unit × quarter × article (the
final lines' sums and deduction counts). A card adds itself to every unit *above* its branch
(the strict ancestors, read from the branch's path) in the transaction that finalises it, and
takes itself out again if it ever leaves final. A branch's own cards are not rolled up (that
would copy the lines table row for row): a subtree's figures are its root's roll-up plus the
root's own cards, which are a handful of lines read by index. Written and read by
``assessments.rollups``; ``manage.py rebuild_rollups`` recomputes them from the lines.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Organisation
from handbook.models import Article

SUM = {"max_digits": 14, "decimal_places": 2, "default": 0}


class QuarterRollup(models.Model):
    """The final cards of one quarter below ``unit``: how many, and their totals' sums."""

    unit = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    cards = models.IntegerField(default=0)
    reviewed_cards = models.IntegerField(default=0)  # with a review total (every final card has one)
    self_sum = models.DecimalField(**SUM)
    review_sum = models.DecimalField(**SUM)

    class Meta:
        verbose_name = _("quarter roll-up")
        verbose_name_plural = _("quarter roll-ups")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter"], name="assessments_quarter_rollup_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.year}Q{self.quarter}"


class ArticleRollup(models.Model):
    """The final lines of one article in one quarter below ``unit``: sums of max, self and
    review score, the points the review deducted, and how many lines each side deducted."""

    unit = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="+", db_index=False)
    lines = models.IntegerField(default=0)
    max_sum = models.DecimalField(**SUM)
    self_sum = models.DecimalField(**SUM)
    review_sum = models.DecimalField(**SUM)
    review_points = models.DecimalField(**SUM)  # sum of max − review over the reviewed lines
    self_deducted = models.IntegerField(default=0)  # lines with self score < max
    review_deducted = models.IntegerField(default=0)  # lines with review score < max

    class Meta:
        verbose_name = _("article roll-up")
        verbose_name_plural = _("article roll-ups")
        constraints = [
            # Its columns in this order are also the dashboard's index: unit, then quarter.
            models.UniqueConstraint(
                fields=["unit", "year", "quarter", "article"], name="assessments_article_rollup_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.year}Q{self.quarter} · {self.article_id}"
