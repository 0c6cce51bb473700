"""The JSON shapes of the handbook (``handbook.apis``): editions, parts, articles and their
deduction rules. Shapes only: who may read what is ``handbook.selectors``."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .examples import as_data
from .exchange import ParsedDeduction
from .models import Article, Deduction, Edition, Part, clean_quarters


class EditionSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Edition
        fields = [
            "id",
            "version",
            "title",
            "status",
            "status_label",
            "based_on",
            "created_at",
            "published_at",
            "retired_at",
        ]
        read_only_fields = fields


class PartSerializer(serializers.ModelSerializer):
    class Meta:
        model = Part
        fields = ["id", "number", "title"]
        read_only_fields = fields


class EditionDetailSerializer(EditionSerializer):
    parts = PartSerializer(many=True, read_only=True)
    article_count = serializers.IntegerField(read_only=True)

    class Meta(EditionSerializer.Meta):
        fields = [*EditionSerializer.Meta.fields, "parts", "article_count"]
        read_only_fields = fields


class DeductionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deduction
        fields = ["id", "position", "description", "points", "cap"]
        read_only_fields = fields


class ArticleSerializer(serializers.ModelSerializer):
    """One article: 做什么 / 谁来做 / 怎么做 / 何时做 / 做到什么程度, with its deduction rules."""

    part_number = serializers.IntegerField(source="part.number", read_only=True)
    part_title = serializers.CharField(source="part.title", read_only=True)
    line_label = serializers.CharField(source="get_line_display", read_only=True)
    who_role_label = serializers.CharField(source="get_who_role_display", read_only=True)
    frequency_label = serializers.CharField(source="get_frequency_display", read_only=True)
    due_rule = serializers.CharField(read_only=True, help_text="end, day:N, after:N or none (the exchange format).")
    due_rule_text = serializers.CharField(read_only=True)
    assessed_quarters = serializers.ListField(
        source="quarters_assessed",
        child=serializers.IntegerField(min_value=1, max_value=4),
        read_only=True,
        help_text="The quarters whose scorecard may deduct points on the article: as the edition names "
        "them, else by the frequency (yearly [4], half-yearly [2, 4], otherwise all four).",
    )
    deductions = DeductionSerializer(many=True, read_only=True)
    example_blocks = serializers.SerializerMethodField(
        help_text="The example read as blocks (handbook.examples): {kind: paragraph, text, fields: "
        "[{label, value}]} or {kind: table, caption, header: [cells], rows: [[cells]]}. The blank form "
        "to fill in is GET …/{id}/fill-in-form/ (xlsx)."
    )

    class Meta:
        model = Article
        fields = [
            "id",
            "edition",
            "part",
            "part_number",
            "part_title",
            "code",
            "title",
            "line",
            "line_label",
            "what",
            "who",
            "who_role",
            "who_role_label",
            "how",
            "when",
            "frequency",
            "frequency_label",
            "due_kind",
            "due_value",
            "due_rule",
            "due_rule_text",
            "assessed_quarters",
            "standard",
            "evidence",
            "example",
            "example_blocks",
            "max_score",
            "deductions",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": ["paragraph", "table"]},
                    "text": {"type": "string"},
                    "fields": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"label": {"type": "string"}, "value": {"type": "string"}},
                        },
                    },
                    "caption": {"type": "string"},
                    "header": {"type": "array", "items": {"type": "string"}},
                    "rows": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
                },
                "required": ["kind"],
            },
        }
    )
    def get_example_blocks(self, article: Article) -> list[dict[str, Any]]:
        return as_data(article.example_blocks)


class DeductionWriteSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    points = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0.01"))
    cap = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True, default=None)

    def to_internal_value(self, data: Any) -> ParsedDeduction:
        values = super().to_internal_value(data)
        # A PATCH is partial and DRF hands that down to nested rules, but a rule always
        # replaces a whole one: its description and points are required even then.
        missing = {name: [_("This field is required.")] for name in ("description", "points") if name not in values}
        if missing:
            raise serializers.ValidationError(missing)
        # .get: DRF applies no defaults to a partial body.
        return ParsedDeduction(values["description"], values["points"], values.get("cap"))


class QuartersField(serializers.ListField):
    """Quarters 1–4, each once; an empty list: by the article's frequency. Stored as digits."""

    child = serializers.IntegerField(min_value=1, max_value=4)

    def to_internal_value(self, data: Any) -> str:
        values = super().to_internal_value(data)
        quarters = clean_quarters(values)
        if quarters is None:
            raise serializers.ValidationError(_("Each quarter from 1 to 4 may be named once."))
        return quarters


class ArticleUpdateSerializer(serializers.ModelSerializer):
    """PATCH of a draft's article: any of these; ``deductions``, when given, replaces every rule."""

    part = serializers.PrimaryKeyRelatedField(queryset=Part.objects.none(), help_text="A part of the same edition.")
    deductions = DeductionWriteSerializer(many=True, required=False, allow_empty=False)
    assessed_quarters = QuartersField(
        required=False,
        max_length=4,
        help_text="The quarters whose scorecard may deduct points, e.g. [2, 4]; [] follows the frequency.",
    )

    class Meta:
        model = Article
        fields = [
            "part",
            "code",
            "title",
            "line",
            "who_role",
            "what",
            "who",
            "how",
            "when",
            "frequency",
            "due_kind",
            "due_value",
            "assessed_quarters",
            "standard",
            "evidence",
            "example",
            "max_score",
            "deductions",
        ]
        # The code's uniqueness within the edition is checked by the service's full_clean.
        validators: list[Any] = []

    def __init__(self, *args: Any, edition: Edition | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if edition is not None:
            self.fields["part"].queryset = Part.objects.filter(edition=edition)
