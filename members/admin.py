from django.contrib import admin

from .models import Member, MemberImport, MemberTransfer


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("name", "branch", "category", "status")
    list_filter = ("category", "status")
    search_fields = ("name", "phone")
    raw_id_fields = ("branch", "user")


@admin.register(MemberTransfer)
class MemberTransferAdmin(admin.ModelAdmin):
    list_display = ("member", "kind", "from_branch", "to_branch", "on")
    raw_id_fields = ("member", "from_branch", "to_branch")


@admin.register(MemberImport)
class MemberImportAdmin(admin.ModelAdmin):
    list_display = ("original_name", "organisation", "status", "total_rows", "error_count", "created_by", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("organisation", "created_by")
    readonly_fields = ("errors", "notices", "claimed_at", "validated_at", "committed_at")
