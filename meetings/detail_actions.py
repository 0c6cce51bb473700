"""What a record's page offers for correcting it: the edit link, the add-file form, or why
the record can no longer change (its quarter's scorecard is submitted)."""

from typing import Any

from django.http import HttpRequest

from branches import abilities

from .forms import MeetingFilesForm
from .models import Meeting


def correction_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    can_edit = abilities.can(request.user, "meeting.edit", meeting)
    frozen = not can_edit and abilities.holds(request.user, "meeting.edit", meeting)
    return {
        "can_edit": can_edit,
        "edit_refusal": abilities.refusal("meeting.edit", meeting) if frozen else "",
        "files_form": MeetingFilesForm() if can_edit else None,
    }
