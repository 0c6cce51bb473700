from django.contrib import admin

from .models import Member, MemberTransfer


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
