"""A roster import tells the person who started it how it ended (notifications module)."""

from django.urls import reverse

from notifications.events import Event
from notifications.services import notify

from .models import ImportStatus, MemberImport

STEP_DONE = {ImportStatus.VALID: "检查完成", ImportStatus.INVALID: "检查完成", ImportStatus.COMMITTED: "导入完成"}


def import_outcome(*, import_id: int) -> None:
    """Called after a check or a commit job: tells the uploader when the step has ended.
    Keyed by the step's outcome and claim, so the same outcome is told once."""
    run = MemberImport.objects.select_related("organisation", "created_by").get(pk=import_id)
    if run.created_by is None or run.status not in (*STEP_DONE, ImportStatus.FAILED):
        return
    stamp = run.committed_at or run.validated_at or run.queued_at or run.created_at
    context = {
        "file": run.original_name,
        "step": STEP_DONE.get(run.status, ""),
        "new": run.new_count,
        "updated": run.updated_count,
        "unchanged": run.unchanged_count,
        "errors": run.error_count,
        "reason": run.message[:300],
    }
    notify(
        [run.created_by],
        Event.IMPORT_FAILED if run.status == ImportStatus.FAILED else Event.IMPORT_FINISHED,
        context,
        organisation=run.organisation,
        link=reverse("members:import_detail", args=[run.pk]),
        key=f"import:{run.pk}:{run.status}:{run.attempts}:{stamp:%Y%m%d%H%M%S%f}",
    )
