"""Who is told: the people a sender names, found in one place.

A branch's messages go to the secretaries holding their role on the branch itself (the
reminder sheets' recipients since the start); a task's to its assignee, or the branch's
secretaries when nobody is assigned.
"""

from collections import defaultdict
from collections.abc import Iterable

from branches import abilities
from branches.models import RoleAssignment, User


def secretaries_of(branch_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active holders of ``sheet.email`` (the secretaries) on each branch itself (one query)."""
    found: dict[int, list[User]] = defaultdict(list)
    rows = (
        RoleAssignment.objects.filter(
            abilities.held_outright("sheet.email"), organisation_id__in=list(branch_ids), user__is_active=True
        )
        .select_related("user")
        .order_by("organisation_id", "user__username")
    )
    for row in rows:
        found[row.organisation_id].append(row.user)
    return found


def secretaries(branch_id: int) -> list[User]:
    return secretaries_of([branch_id]).get(branch_id, [])


def task_people(task) -> list[User]:
    """Whoever does the task: its assignee, else the branch's secretaries."""
    if task.assignee_id and task.assignee.is_active:
        return [task.assignee]
    return secretaries(task.branch_id)
