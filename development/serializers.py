"""Shapes of the development files over the API. The ID number is shown masked."""

from rest_framework import serializers

from members.models import Gender

from .models import Candidate, Step
from .selectors import next_assessment, next_step
from .stages import StepKind

MAX_ID = 10**18 - 1


class StepSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Step
        fields = ["id", "kind", "kind_label", "on", "ends_on", "note", "recorded_at"]
        read_only_fields = fields


class NextStepSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    not_before = serializers.DateField(allow_null=True)


class CandidateSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    id_number = serializers.CharField(source="masked_id_number", read_only=True)
    next_step = serializers.SerializerMethodField()
    next_assessment = serializers.SerializerMethodField(
        help_text="The half-yearly assessment due next (an activist, a probationary member), or null."
    )

    class Meta:
        model = Candidate
        fields = [
            "id",
            "branch",
            "branch_name",
            "name",
            "gender",
            "birth_date",
            "id_number",
            "applied_on",
            "stage",
            "stage_label",
            "next_step",
            "next_assessment",
            "member",
            "closed_on",
            "closed_reason",
        ]
        read_only_fields = fields

    def get_next_step(self, candidate: Candidate) -> dict | None:
        step = next_step(candidate)
        return None if step is None else NextStepSerializer(step).data

    def get_next_assessment(self, candidate: Candidate) -> dict | None:
        step = next_assessment(candidate)
        return None if step is None else NextStepSerializer(step).data


class CandidateDetailSerializer(CandidateSerializer):
    steps = StepSerializer(many=True, read_only=True)
    contacts = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    sponsors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(CandidateSerializer.Meta):
        fields = [*CandidateSerializer.Meta.fields, "phone", "contacts", "sponsors", "steps"]
        read_only_fields = fields


class CandidateCreateSerializer(serializers.Serializer):
    branch = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A branch whose files you keep.")
    name = serializers.CharField(max_length=50)
    gender = serializers.ChoiceField(choices=Gender.choices)
    birth_date = serializers.DateField()
    id_number = serializers.CharField(max_length=18)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    applied_on = serializers.DateField(help_text="The date on the application for membership.")


class StepCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[c for c in StepKind.choices if c[0] != StepKind.APPLICATION])
    on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, help_text="The public notice's last day.")
    people = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=2,
        help_text="Two members: the contacts (activist) or the sponsors (full members).",
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
