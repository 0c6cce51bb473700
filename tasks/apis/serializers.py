"""The JSON shapes of tasks, their evidence and events, reminder sheets and work requirements,
and of the requests that change them. Shapes only: every rule is in ``tasks.services``."""

from typing import Any

from django.urls import reverse
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_description_list
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from branches.models import User

from ..evidence import MAX_FILES
from ..models import AdHocRequest, EventKind, Evidence, Quality, ReminderSheet, SheetKind, Task, TaskEvent, TaskStatus
from ..periods import local_today

ID_MAX = 10**18 - 1
OVERDUE = "overdue"
# The status filter: a stored status, or "overdue" (open and past its due date).
STATUS_FILTER_CHOICES = [*TaskStatus.choices, (OVERDUE, "Overdue")]


def _person(user: User | None) -> str:
    return (user.full_name or user.username) if user is not None else ""


class NamedChoiceField(serializers.ChoiceField):
    """A choice field documented as an enum component of its own name.

    Other resources have a ``status`` and a ``kind`` with other choices; drf-spectacular
    names such enums by field name and warns on the clash, and a warning fails
    ``check --deploy --fail-level WARNING``. (An ``ENUM_NAME_OVERRIDES`` entry in the
    settings would do the same.)"""

    def __init__(self, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def get_name(self) -> str:
        return self.target.enum_name

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        choices = list(self.target.choices.items())
        return {
            "type": "string",
            "enum": [value for value, _label in choices],
            "description": build_choice_description_list(choices),
        }


# --- tasks -----------------------------------------------------------------------------------


class TaskSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    code = serializers.CharField(read_only=True, help_text="The handbook article's code; empty for a requirement.")
    period = serializers.CharField(source="period_key", read_only=True, help_text="e.g. 2026-11, 2026-Q4, 2026-W47.")
    overdue = serializers.SerializerMethodField(help_text="Open and past its due date (Asia/Shanghai).")
    assignee_name = serializers.SerializerMethodField()
    requirement = serializers.IntegerField(
        source="request_id", read_only=True, allow_null=True, help_text="The work requirement it was sent as."
    )
    status = NamedChoiceField(enum_name="TaskStatusEnum", choices=TaskStatus.choices, read_only=True)
    # Declared, not derived: a derived read-only field would lose its blank choice in the schema.
    quality = serializers.ChoiceField(
        choices=Quality.choices, allow_blank=True, read_only=True, help_text="Empty until the work is checked."
    )

    class Meta:
        model = Task
        fields = [
            "id", "branch", "branch_name", "article", "code", "requirement", "title", "frequency", "period",
            "period_start", "period_end", "due_on", "status", "overdue", "assignee", "assignee_name", "supervised",
            "completed_at", "delay_days", "quality", "cancel_reason", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_overdue(self, task: Task) -> bool:
        return task.is_overdue(self.context.get("today") or local_today())

    def get_assignee_name(self, task: Task) -> str:
        return _person(task.assignee)


class EvidenceSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(help_text="Where to fetch the file (an access-checked download).")

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "download"]
        read_only_fields = fields

    def get_download(self, evidence: Evidence) -> str:
        return reverse("api:task-evidence-detail", kwargs={"pk": evidence.pk})


class TaskEventSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(enum_name="TaskEventKindEnum", choices=EventKind.choices, read_only=True)
    by_name = serializers.SerializerMethodField()
    changes = serializers.DictField(read_only=True, help_text="What changed, e.g. the old and new assignee.")

    class Meta:
        model = TaskEvent
        fields = ["kind", "by", "by_name", "at", "text", "changes"]
        read_only_fields = fields

    def get_by_name(self, event: TaskEvent) -> str:
        return _person(event.by)


class TaskDetailSerializer(TaskSerializer):
    what = serializers.SerializerMethodField()
    standard = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True, read_only=True)
    events = TaskEventSerializer(many=True, read_only=True, help_text="Every change, oldest first.")
    may_work = serializers.SerializerMethodField(help_text="The user may complete, assign, cancel and answer.")
    may_complete = serializers.SerializerMethodField()
    may_check = serializers.SerializerMethodField(help_text="The user may check and supervise.")
    allowed_actions = serializers.SerializerMethodField(
        help_text="The steps the user can take on the task now (its state allowing): complete, assign, cancel, "
        "check, supervise, comment, reply, release."
    )

    class Meta(TaskSerializer.Meta):
        fields = [
            *TaskSerializer.Meta.fields, "what", "standard", "completion_note", "checked_at", "check_comment",
            "cancelled_at", "supervised_at", "evidence", "events", "may_work", "may_complete", "may_check",
            "allowed_actions",
        ]  # fmt: skip
        read_only_fields = fields

    def get_what(self, task: Task) -> str:
        return task.article.what if task.article_id else (task.request.what if task.request_id else "")

    def get_standard(self, task: Task) -> str:
        return task.article.standard if task.article_id else (task.request.standard if task.request_id else "")

    def get_may_work(self, task: Task) -> bool:
        return self.context["may"]["work"]

    def get_may_complete(self, task: Task) -> bool:
        return self.context["may"]["complete"]

    def get_may_check(self, task: Task) -> bool:
        return self.context["may"]["check"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, task: Task) -> list[str]:
        return self.context["may"]["actions"]


class TaskCompleteNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class TaskCompleteSerializer(TaskCompleteNoteSerializer):
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        required=False,
        default=list,
        help_text=f"Evidence: PDF, JPG, PNG, DOCX, XLSX or PPTX, at most {MAX_FILES}, each checked by its first bytes.",
    )


MANY_MAX = 200


class TasksCompleteManyNoteSerializer(TaskCompleteNoteSerializer):
    branch = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="The branch whose tasks these are.")
    tasks = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        min_length=1,
        max_length=MANY_MAX,
        help_text=f"The ids of the open tasks to complete, all of that branch (at most {MANY_MAX}).",
    )


class TasksCompleteManySerializer(TasksCompleteManyNoteSerializer):
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        required=False,
        default=list,
        help_text=(
            f"Evidence for every task: PDF, JPG, PNG, DOCX, XLSX or PPTX, at most {MAX_FILES}, each checked "
            "by its first bytes; a copy of each is stored with each task."
        ),
    )


class TaskCheckSerializer(serializers.Serializer):
    quality = serializers.ChoiceField(choices=Quality.choices, help_text="优 excellent, 良 good, 中 fair, 差 poor.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class TaskSuperviseSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, help_text="What the branch must do.")


class TaskTextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class TaskCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class TaskAssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        allow_null=True,
        help_text="A person of the task's branch (see `assignees`), or null to un-assign.",
    )

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["assignee"].queryset = people


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "full_name"]
        read_only_fields = fields


# --- reminder sheets -------------------------------------------------------------------------


class SheetLineSerializer(serializers.Serializer):
    """One line of a sheet, as it stood when the sheet was made."""

    task = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    period = serializers.CharField()
    what = serializers.CharField()
    who = serializers.CharField()
    when = serializers.CharField()
    standard = serializers.CharField()
    due_on = serializers.DateField()
    assignee = serializers.CharField()
    overdue = serializers.BooleanField()


class ReminderSheetSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    kind = NamedChoiceField(enum_name="ReminderSheetKindEnum", choices=SheetKind.choices, read_only=True)
    period = serializers.CharField(source="period_key", read_only=True)
    due_count = serializers.SerializerMethodField(help_text="Lines due in the period.")
    overdue_count = serializers.SerializerMethodField(help_text="Lines already overdue when the sheet was made.")

    class Meta:
        model = ReminderSheet
        fields = [
            "id", "branch", "branch_name", "kind", "period", "period_start", "period_end", "created_at", "sent_at",
            "due_count", "overdue_count",
        ]  # fmt: skip
        read_only_fields = fields

    def get_due_count(self, sheet: ReminderSheet) -> int:
        return len(sheet.due_lines)

    def get_overdue_count(self, sheet: ReminderSheet) -> int:
        return len(sheet.overdue_lines)


class ReminderSheetDetailSerializer(ReminderSheetSerializer):
    lines = SheetLineSerializer(many=True, read_only=True)

    class Meta(ReminderSheetSerializer.Meta):
        fields = [*ReminderSheetSerializer.Meta.fields, "lines"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.BINARY)
class BinaryField(serializers.Field):
    """Documents a file answer (PDF, xlsx, evidence) in the schema."""


# --- work requirements (阶段性工作要求) -----------------------------------------------------


class RequirementSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    task_count = serializers.IntegerField(read_only=True, help_text="Branches it was sent to.")
    done_count = serializers.IntegerField(read_only=True, help_text="Of those, the ones done or checked.")

    class Meta:
        model = AdHocRequest
        fields = [
            "id", "organisation", "organisation_name", "title", "what", "standard", "due_on", "created_at",
            "task_count", "done_count",
        ]  # fmt: skip
        read_only_fields = fields


class RequirementDetailSerializer(RequirementSerializer):
    tasks = TaskSerializer(many=True, read_only=True, help_text="One per branch it was sent to.")

    class Meta(RequirementSerializer.Meta):
        fields = [*RequirementSerializer.Meta.fields, "tasks"]
        read_only_fields = fields


class RequirementCreateSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text="The committee or general branch it is sent from."
    )
    title = serializers.CharField(max_length=100)
    what = serializers.CharField(max_length=5000)
    standard = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    due_on = serializers.DateField(help_text="The deadline; not in the past.")
    branches = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        required=False,
        allow_empty=False,
        max_length=5000,
        help_text="Active branches below the organisation; left out, every one of them.",
    )
