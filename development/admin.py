from django.contrib import admin

from .models import Candidate, Step


class StepInline(admin.TabularInline):
    model = Step
    extra = 0


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ("name", "branch", "stage", "applied_on", "closed_on")
    list_filter = ("stage",)
    raw_id_fields = ("branch", "member", "contacts", "sponsors", "created_by")
    inlines = [StepInline]
