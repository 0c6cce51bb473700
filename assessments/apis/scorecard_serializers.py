"""The JSON shapes of scorecards (``assessments.apis.scorecards``).

Shapes only: what may be read is decided by ``assessments.selectors`` (the branch sees the
reviewer's scores once the review is final: ``shows_review``), what may be written and every
score by ``assessments.services``.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from handbook.models import Line

from ..models import Grade, Method, RectificationItem, Scorecard, ScorecardLine, grade_label
from ..selectors import shows_review
from ..services.scorecards import MAX_COUNT
from ..services.scoring import grade_for, line_subtotals
from .fields import ScorecardStatusField
from .versions import VERSION_HELP

MAX_ID = 10**18 - 1
MAX_VERSION = 10**9
# Fields of the committee's review, null for the branch until the review is final.
REVIEW_FIELDS = ("review_total", "grade", "grade_label", "gap", "methods", "written_test_score", "reviewed_at")
LINE_REVIEW_FIELDS = ("review_score", "review_note", "gap")


# --- reading ----------------------------------------------------------------------------------


class RuleCountSerializer(serializers.Serializer):
    rule = serializers.IntegerField(help_text="The deduction rule (扣分规则) of the line's article.")
    description = serializers.CharField()
    points = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Points off each time it applies.")
    cap = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, help_text="At most this much.")
    self_count = serializers.IntegerField(help_text="Times the branch applied it.")
    review_count = serializers.IntegerField(allow_null=True, help_text="Times the reviewer applied it.")


class FocusItemSerializer(serializers.ModelSerializer):
    """重点: an open rectification item from an earlier quarter on this line's article."""

    problem = serializers.CharField(source="finding.problem", read_only=True)
    owner_name = serializers.CharField(
        source="owner_display", read_only=True, help_text="The owner's name (kept when the owner is not a user)."
    )
    # Not an enum in the schema: its values would collide with the scorecard's "status" enum.
    status = serializers.CharField(read_only=True, help_text="One of: open, done, closed.")
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = RectificationItem
        fields = ["id", "article_code", "problem", "owner", "owner_name", "deadline", "status", "is_overdue"]
        read_only_fields = fields


class DoneTaskSerializer(serializers.Serializer):
    """A handbook task of the quarter the branch has done: evidence for the line."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)


class EvidenceFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()


class LineSerializer(serializers.ModelSerializer):
    article_code = serializers.CharField(source="article.code", read_only=True)
    article_title = serializers.CharField(source="article.title", read_only=True)
    part = serializers.IntegerField(source="article.part.number", read_only=True)
    part_title = serializers.CharField(source="article.part.title", read_only=True)
    review_note = serializers.CharField(allow_null=True, read_only=True)
    gap = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, read_only=True, help_text="Self score minus review score."
    )
    deductions = serializers.SerializerMethodField(help_text="Every rule of the article, with the counts applied.")
    focus_items = FocusItemSerializer(source="focus", many=True, read_only=True)
    done_tasks = DoneTaskSerializer(many=True, read_only=True)
    files = EvidenceFileSerializer(source="file_list", many=True, read_only=True)
    version = serializers.IntegerField(read_only=True, help_text="The line's version, for a save of this line.")
    article_line = serializers.ChoiceField(
        source="article.line", choices=Line.choices, read_only=True, help_text="大政工: party, union or league."
    )
    assessed = serializers.BooleanField(
        read_only=True,
        help_text="Whether the article is assessed in the card's quarter (yearly work in Q4, half-yearly "
        "in Q2 and Q4, unless the edition names other quarters). A line not assessed keeps its full "
        "score: a deduction on it is a 400.",
    )
    saved_by = serializers.StringRelatedField(
        read_only=True, allow_null=True, help_text="Who last saved the branch's side (null before any save)."
    )
    looked_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the branch's secretary first opened or saved the line."
    )

    class Meta:
        model = ScorecardLine
        fields = [
            "id",
            "article",
            "article_code",
            "article_title",
            "part",
            "part_title",
            "article_line",
            "assessed",
            "max_score",
            "self_score",
            "note",
            "evidence",
            "review_score",
            "review_note",
            "gap",
            "deductions",
            "focus_items",
            "done_tasks",
            "files",
            "version",
            "saved_by",
            "saved_at",
            "looked_at",
        ]
        read_only_fields = fields

    @extend_schema_field(RuleCountSerializer(many=True))
    def get_deductions(self, line: ScorecardLine) -> list[dict[str, Any]]:
        show = self.context["show_review"]
        rows = [
            {
                "rule": rule.pk,
                "description": rule.description,
                "points": rule.points,
                "cap": rule.cap,
                "self_count": self_count,
                "review_count": review_count if show else None,
            }
            for rule, self_count, review_count in line.rules  # type: ignore[attr-defined]
        ]
        return RuleCountSerializer(rows, many=True).data

    def to_representation(self, line: ScorecardLine) -> dict[str, Any]:
        data = super().to_representation(line)
        if not self.context["show_review"]:
            data.update(dict.fromkeys(LINE_REVIEW_FIELDS))
        return data


class LineSubtotalSerializer(serializers.Serializer):
    line = serializers.ChoiceField(choices=Line.choices)
    label = serializers.CharField()
    max_score = serializers.DecimalField(max_digits=6, decimal_places=2)
    self_score = serializers.DecimalField(max_digits=6, decimal_places=2)
    review_score = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, help_text="Null until reviewed (for the branch: until final)."
    )


class ScorecardSerializer(serializers.ModelSerializer):
    """One row of the list: the card's state and totals."""

    branch_code = serializers.CharField(source="branch.code", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    period = serializers.CharField(read_only=True, help_text="Like 2026Q3.")
    status = ScorecardStatusField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    self_grade = serializers.SerializerMethodField(help_text="The grade the self score would have.")
    grade = serializers.ChoiceField(
        choices=Grade.choices, allow_null=True, read_only=True, help_text="The review's grade (分类定级)."
    )
    grade_label = serializers.SerializerMethodField()
    gap = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, read_only=True, help_text="Self total minus review total."
    )
    feedback_ready = serializers.SerializerMethodField(help_text="The feedback sheet can be downloaded.")

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "branch",
            "branch_code",
            "branch_name",
            "year",
            "quarter",
            "period",
            "status",
            "status_label",
            "deadline",
            "is_late",
            "submitted_at",
            "times_returned",
            "self_total",
            "self_grade",
            "review_total",
            "grade",
            "grade_label",
            "gap",
            "reviewed_at",
            "finalised_at",
            "feedback_ready",
            "acknowledged_at",
            "version",
        ]
        read_only_fields = fields

    def get_self_grade(self, card: Scorecard) -> str:
        return grade_for(card.self_total)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_grade_label(self, card: Scorecard) -> str | None:
        return grade_label(card.grade) or None

    def get_feedback_ready(self, card: Scorecard) -> bool:
        return bool(card.feedback_pdf)

    def to_representation(self, card: Scorecard) -> dict[str, Any]:
        data = super().to_representation(card)
        data["grade"] = card.grade or None
        if not shows_review(self.context["request"].user, card):
            data.update({name: None for name in REVIEW_FIELDS if name in data})
        return data


class ScorecardDetailSerializer(ScorecardSerializer):
    """The card with its lines, as the scorecard page shows it."""

    edition_version = serializers.CharField(source="edition.version", read_only=True)
    methods = serializers.ListField(
        child=serializers.ChoiceField(choices=Method.choices),
        allow_null=True,
        read_only=True,
        help_text="How the team checked: 笔试, 查资料, 看现场, 听汇报, 访谈/座谈.",
    )
    written_test_score = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, read_only=True)
    can_edit = serializers.SerializerMethodField(help_text="You may save lines and submit now.")
    can_review = serializers.SerializerMethodField(help_text="You may review, return or finalise now.")
    lines = LineSerializer(source="annotated_lines", many=True, read_only=True)
    line_subtotals = serializers.SerializerMethodField(
        help_text="大政工 subtotals by line (party, union, league): max, self and review scores."
    )

    class Meta(ScorecardSerializer.Meta):
        fields = [
            *ScorecardSerializer.Meta.fields,
            "edition",
            "edition_version",
            "return_reason",
            "methods",
            "written_test_score",
            "can_edit",
            "can_review",
            "lines",
            "line_subtotals",
        ]
        read_only_fields = fields

    def get_can_edit(self, card: Scorecard) -> bool:
        return bool(self.context["can_edit"])

    def get_can_review(self, card: Scorecard) -> bool:
        return bool(self.context["can_review"])

    @extend_schema_field(LineSubtotalSerializer(many=True))
    def get_line_subtotals(self, card: Scorecard) -> list[dict[str, Any]]:
        show = self.context["show_review"]
        rows = [
            {
                "line": row.line,
                "label": row.label,
                "max_score": row.max_score,
                "self_score": row.self_score,
                "review_score": row.review_score if show else None,
            }
            for row in line_subtotals(card.annotated_lines)  # type: ignore[attr-defined]
        ]
        return LineSubtotalSerializer(rows, many=True).data


# --- queries ----------------------------------------------------------------------------------


# --- writes -----------------------------------------------------------------------------------


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION, required=False, help_text=VERSION_HELP)


class OpenSerializer(serializers.Serializer):
    branch = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Your branch.")


class CountSerializer(serializers.Serializer):
    rule = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A deduction rule of the line's article.")
    count = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, help_text="Times it applies; 0 removes it.")


def _unique_rules(counts: list[dict[str, int]]) -> list[dict[str, int]]:
    rules = [c["rule"] for c in counts]
    if len(rules) != len(set(rules)):
        raise serializers.ValidationError(_("Name each deduction rule once."))
    return counts


class ReasonSerializer(serializers.Serializer):
    rule = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A measured rule of the line's article.")
    reason = serializers.CharField(
        allow_blank=True, max_length=300, help_text="Why the count differs from the records."
    )


class SelfLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A line of this scorecard.")
    deductions = CountSerializer(
        many=True,
        max_length=50,
        help_text="Every deduction that applies to the line: the rules not named are not applied ([] for none).",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Kept as it is when not given."
    )
    evidence = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Kept as it is when not given."
    )
    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        required=False,
        help_text="The line's version as read: only a save of this same line since is a 409. When every "
        "line names its version, the card's version is not needed.",
    )
    reasons = ReasonSerializer(
        many=True,
        required=False,
        max_length=50,
        help_text="Given (even []), every measured rule whose count differs from what the records suggest "
        "(see the card's measures) needs a reason: a 400 names the rule. Not given: nothing is asked and "
        "the reasons already saved are kept.",
    )

    def validate_deductions(self, value: list[dict[str, int]]) -> list[dict[str, int]]:
        return _unique_rules(value)


class ReviewLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A line of this scorecard.")
    deductions = CountSerializer(
        many=True,
        max_length=50,
        help_text="Every deduction the reviewer applies to the line: the rules not named are not applied.",
    )
    review_note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Kept as it is when not given."
    )

    def validate_deductions(self, value: list[dict[str, int]]) -> list[dict[str, int]]:
        return _unique_rules(value)


def _unique_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [line["line"] for line in lines]
    if len(ids) != len(set(ids)):
        raise serializers.ValidationError(_("Name each line once."))
    return lines


class LinesSaveSerializer(VersionSerializer):
    lines = SelfLineSerializer(many=True, min_length=1, max_length=200)

    def validate_lines(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return _unique_lines(value)


class ReturnSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=2000, help_text="Why the card goes back to the branch.")


class ReviewSerializer(VersionSerializer):
    lines = ReviewLineSerializer(many=True, required=False, max_length=200)
    methods = serializers.ListField(
        child=serializers.ChoiceField(choices=Method.choices),
        required=False,
        max_length=len(Method.choices),
        help_text="The methods used; kept as they are when not given.",
    )
    written_test_score = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=Decimal(0),
        max_value=Decimal(100),
        required=False,
        allow_null=True,
        help_text="0–100, or null for none; kept as it is when not given.",
    )

    def validate_lines(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return _unique_lines(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not ({"lines", "methods", "written_test_score"} & set(attrs)):
            raise serializers.ValidationError(_("Give lines, methods or a written test score to save."))
        return attrs
