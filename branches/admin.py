from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, Organisation, RoleAssignment, User


@admin.register(User)
class PlatformUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Platform", {"fields": ("full_name",)}))
    list_display = ("username", "full_name", "email", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "email")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "is_key", "status")
    list_filter = ("kind", "status", "is_key")
    search_fields = ("code", "name", "work_unit")
    # The path and depth are maintained by branches.services; editing the parent here
    # would bypass that, so the tree is changed through the app's own pages.
    readonly_fields = ("parent", "path", "depth", "status", "dissolved_on")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "organisation", "granted_by", "granted_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "organisation__name", "organisation__code")
    autocomplete_fields = ("user", "organisation")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Lets an administrator see who holds API tokens and revoke one by deleting it; tokens
    are issued only through POST /api/v1/auth/token/ (the admin never sees one)."""

    list_display = ("user", "prefix", "created_at", "expires_at", "last_used_at")
    search_fields = ("user__username", "user__full_name", "prefix")
    readonly_fields = ("user", "prefix", "created_at", "expires_at", "last_used_at")
    exclude = ("digest",)

    def has_add_permission(self, request: object) -> bool:
        return False
