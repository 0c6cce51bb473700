"""Django admin, read-only: tasks change through their services, so that every change lands
in the audit trail."""

from django.contrib import admin

from .models import AdHocRequest, ReminderSheet, Task, TaskEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = TaskEvent
    extra = 0
    fields = ["at", "kind", "by", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "branch", "period_key", "due_on", "status", "assignee", "supervised"]
    list_filter = ["status", "frequency", "supervised"]
    search_fields = ["title", "branch__name", "branch__code"]
    raw_id_fields = ["branch", "article", "request", "assignee"]
    inlines = [EventInline]


@admin.register(ReminderSheet)
class ReminderSheetAdmin(ReadOnlyAdmin):
    list_display = ["branch", "kind", "period_key", "created_at", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["branch__name", "branch__code"]


@admin.register(AdHocRequest)
class AdHocRequestAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "due_on", "created_by", "created_at"]
