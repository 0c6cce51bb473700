from django.contrib import admin

from .models import Meeting


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("branch", "kind", "held_at", "place")
    list_filter = ("kind",)
    raw_id_fields = ("branch", "host", "recorder", "task", "recorded_by")
