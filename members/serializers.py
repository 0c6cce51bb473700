"""The JSON shapes of the roster, transfers and imports (``members.apis``).

Shapes only: what may be read is decided by ``members.selectors`` (including how much of
an ID number a user sees), what may be written by ``members.services`` and
``members.imports``.
"""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from branches.models import Organisation

from . import selectors
from .excel import reader
from .models import Member, MemberImport, MemberTransfer
from .services import EDITABLE_FIELDS, PLAIN_STATUSES

ID_NUMBER_HELP = (
    "In full for an administrator of the member's branch; masked (the first four and the last four "
    "characters shown) for everyone else, as on the member's page."
)


class MemberSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField(help_text=ID_NUMBER_HELP)
    gender_label = serializers.CharField(source="get_gender_display", read_only=True)
    education_label = serializers.CharField(source="get_education_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    branch_code = serializers.CharField(source="branch.code", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    standing_years = serializers.SerializerMethodField(help_text="党龄: whole years since made a full member.")

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "gender",
            "gender_label",
            "ethnicity",
            "birth_date",
            "id_number",
            "phone",
            "education",
            "education_label",
            "post",
            "category",
            "category_label",
            "joined_on",
            "full_member_on",
            "standing_years",
            "branch",
            "branch_code",
            "branch_name",
            "status",
            "status_label",
            "flowing_to",
            "is_union_member",
            "is_league_member",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_id_number(self, member: Member) -> str:
        return selectors.shown_id(self.context["request"].user, member)

    def get_standing_years(self, member: Member) -> int:
        return member.standing_years()


class TransferSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    from_branch_name = serializers.CharField(source="from_branch.name", read_only=True, allow_null=True)
    to_branch_name = serializers.CharField(source="to_branch.name", read_only=True, allow_null=True)
    recorded_by = serializers.CharField(source="recorded_by.full_name", read_only=True, allow_null=True)

    class Meta:
        model = MemberTransfer
        fields = [
            "kind",
            "kind_label",
            "on",
            "from_branch",
            "from_branch_name",
            "to_branch",
            "to_branch_name",
            "reason",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class MemberDetailSerializer(MemberSerializer):
    history = serializers.SerializerMethodField(
        help_text="Every change of branch or status (组织关系接转), oldest first."
    )
    editable_fields = serializers.SerializerMethodField(
        help_text="The fields the signed-in user may change with PATCH (none, the contact fields, or all)."
    )

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "history", "editable_fields"]
        read_only_fields = fields

    @extend_schema_field(TransferSerializer(many=True))
    def get_history(self, member: Member) -> list[dict[str, Any]]:
        return TransferSerializer(selectors.history_of(member), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=EDITABLE_FIELDS)))
    def get_editable_fields(self, member: Member) -> list[str]:
        return list(selectors.editable_fields_for(self.context["request"].user, member))


class MemberWriteSerializer(serializers.ModelSerializer):
    """The fields of ``members.services.EDITABLE_FIELDS``; the service checks the record as
    a whole (uniqueness, the ID number against the birth date, the dates' order)."""

    class Meta:
        model = Member
        fields = list(EDITABLE_FIELDS)
        # Checked once, by the service's full_clean (which knows the member being edited).
        extra_kwargs = {"id_number": {"validators": []}}


class MemberCreateSerializer(MemberWriteSerializer):
    branch = serializers.IntegerField(min_value=1, help_text="An active branch (党支部) you administer.")

    class Meta(MemberWriteSerializer.Meta):
        fields = ["branch", *EDITABLE_FIELDS]


def _today() -> Any:
    return timezone.localdate()


class MemberTransferSerializer(serializers.Serializer):
    to_branch = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), help_text="An active branch you administer."
    )
    on = serializers.DateField(default=_today, help_text="Today unless given.")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, targets: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if targets is not None:
            self.fields["to_branch"].queryset = targets


class MemberTransferOutSerializer(serializers.Serializer):
    on = serializers.DateField(default=_today, help_text="Today unless given.")
    reason = serializers.CharField(max_length=200, help_text="Where the member is transferred to (转出).")


class MemberFlowingSerializer(serializers.Serializer):
    flowing_to = serializers.CharField(max_length=200, help_text="Where the flowing member (流动党员) works now.")
    on = serializers.DateField(default=_today, help_text="Today unless given.")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MemberReturnSerializer(serializers.Serializer):
    on = serializers.DateField(default=_today, help_text="Today unless given.")


class MemberStatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in PLAIN_STATUSES],
        help_text="停止党籍 / 出党 / 去世, or back on the roll; transfers and flowing have their own endpoints.",
    )
    on = serializers.DateField(default=_today, help_text="Today unless given.")
    reason = serializers.CharField(max_length=200)


class MemberTransferAllSerializer(serializers.Serializer):
    from_branch = serializers.IntegerField(min_value=1, help_text="A branch you administer.")
    to_branch = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), help_text="Another active branch you administer."
    )
    on = serializers.DateField(default=_today, help_text="Today unless given.")
    reason = serializers.CharField(max_length=200)

    def __init__(self, *args: Any, targets: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if targets is not None:
            self.fields["to_branch"].queryset = targets


class FromBranchSerializer(serializers.Serializer):
    """The part of a transfer-all read first: whose roll, for the access check."""

    from_branch = serializers.IntegerField(min_value=1)


class TransferredSerializer(serializers.Serializer):
    moved = serializers.IntegerField(help_text="How many members were on the branch's roll and moved.")


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row number in the worksheet (the header is row 1).")
    column = serializers.CharField(help_text="The column's header, as in the template.")
    message = serializers.CharField(help_text="What is wrong with the cell.")


class MemberImportSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_running = serializers.BooleanField(read_only=True, help_text="A job is checking or writing it: poll this URL.")
    percent = serializers.IntegerField(read_only=True)
    errors = ImportErrorSerializer(
        many=True,
        read_only=True,
        help_text="Every bad row's problems, in row order (the first 5,000; error_count counts them all).",
    )
    notices = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = MemberImport
        fields = [
            "id",
            "organisation",
            "original_name",
            "status",
            "status_label",
            "is_running",
            "percent",
            "total_rows",
            "processed_rows",
            "new_count",
            "updated_count",
            "unchanged_count",
            "error_count",
            "errors",
            "notices",
            "message",
            "created_at",
            "validated_at",
            "committed_at",
        ]
        read_only_fields = fields


class MemberImportUploadSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(
        min_value=1, help_text="Where to import: a unit you administer, or your own branch as its secretary."
    )
    file = serializers.FileField(help_text="The roster as .xlsx, in the template's columns.")

    def validate_file(self, upload: Any) -> Any:
        try:
            reader.check_file(upload.file, upload.size)
        except reader.FileRefused as exc:
            raise serializers.ValidationError(str(exc.args[0])) from exc
        return upload
