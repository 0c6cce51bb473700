"""The admin shows scorecards; it changes nothing a locked card holds.

Only a draft or returned card is editable here, and then only its deadline; lines and
applied deductions are read-only (scores are computed by the scoring service, never typed)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Finding, LineDeduction, RectificationItem, Scorecard, ScorecardLine, ScoreChange


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LineInline(ReadOnlyInline):
    model = ScorecardLine
    fields = ("article", "max_score", "self_score", "review_score", "note")
    readonly_fields = fields


class FindingInline(ReadOnlyInline):
    model = Finding
    fields = ("article", "severity", "problem")
    readonly_fields = fields


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ("branch", "year", "quarter", "status", "self_total", "review_total", "grade", "is_late")
    list_filter = ("status", "year", "quarter", "grade", "is_late")
    search_fields = ("branch__name", "branch__code")
    inlines = [LineInline, FindingInline]
    fields = ("deadline",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not obj.self_editable:
            return ("deadline",)
        return ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not obj.self_editable:
            return False
        return super().has_change_permission(request, obj)


@admin.register(LineDeduction, ScoreChange)
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RectificationItem)
class RectificationItemAdmin(admin.ModelAdmin):
    list_display = ("branch", "article_code", "owner_display", "deadline", "status")
    list_filter = ("status",)
    readonly_fields = ("finding", "branch", "article_code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
