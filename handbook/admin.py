"""Django admin views, read-mostly: the handbook is changed through drafts, not here, so that
an edition in force is never edited in place."""

from django.contrib import admin

from .models import ChangeProposal, DemonstrationBranch, Edition, StudyFocus, TrainingSession


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "status", "published_at", "retired_at"]
    list_filter = ["status"]
    readonly_fields = ["version", "title", "status", "based_on", "created_by", "published_at", "retired_at"]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(ChangeProposal)
class ChangeProposalAdmin(admin.ModelAdmin):
    list_display = ["article", "field", "proposed_by", "status", "proposed_at"]
    list_filter = ["status", "field"]
    raw_id_fields = ["article", "proposed_by", "decided_by", "accepted_into"]


@admin.register(StudyFocus)
class StudyFocusAdmin(admin.ModelAdmin):
    list_display = ["organisation", "year", "quarter", "published_at"]
    raw_id_fields = ["organisation", "published_by"]
    filter_horizontal = ["articles"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["topic", "organisation", "held_on"]
    raw_id_fields = ["organisation", "created_by"]
    filter_horizontal = ["articles"]


@admin.register(DemonstrationBranch)
class DemonstrationBranchAdmin(admin.ModelAdmin):
    list_display = ["organisation", "since"]
    raw_id_fields = ["organisation", "designated_by"]
