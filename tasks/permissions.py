"""Who may do what with tasks, work requirements and reminder sheets (对标).

Each row: the ability, the roles that hold it over the task's branch (some only for their
own line of work under 大政工), whether the task's assignee holds it, and the task states in
which it can be used. Pages, the API, templates and services all read these rows.
"""

from django.utils.translation import gettext_lazy as _

from branches.abilities import ANYWHERE, define, organisation_of
from branches.models import BRANCH_OFFICERS, Organisation, OrgKind, Role
from handbook.models import Line

from .models import AdHocRequest, ReminderSheet, Task, TaskStatus


def _of_line(line: str):
    """Held for the tasks of the articles of one line (党/工/团) only."""

    def condition(user, task: Task) -> bool:
        return task.article_id is not None and task.article.line == line

    return condition


def _is_assignee(user, task: Task) -> bool:
    return task.assignee_id is not None and task.assignee_id == user.pk


def _has_open_work_in(user, unit: Organisation) -> bool:
    """The assignee of open work in the branch (a plain member with a fortnight of daily
    tasks) completes several of their own tasks at once; each is still asked on its own."""
    return Task.objects.filter(branch=unit, assignee_id=user.pk, status=TaskStatus.OPEN).exists()


def _not_open(task: Task) -> str:
    return _("This task is %(status)s: it cannot be changed that way.") % {"status": task.get_status_display()}


organisation_of(Task, lambda task: task.branch)
organisation_of(AdHocRequest, lambda requirement: requirement.organisation)
organisation_of(ReminderSheet, lambda sheet: sheet.branch)

# Who reads a branch's work: the committee, the branch's secretary and its officers.
READERS = {Role.ADMINISTRATOR: None, Role.REVIEWER: None, Role.SECRETARY: None, **dict.fromkeys(BRANCH_OFFICERS)}
# Who does a branch's work: the secretary (and administrators), and the union chair and the
# league secretary for their own line's articles.
WORKERS = {
    Role.ADMINISTRATOR: None,
    Role.SECRETARY: None,
    Role.UNION_CHAIR: _of_line(Line.UNION),
    Role.LEAGUE_SECRETARY: _of_line(Line.LEAGUE),
}
CHECKERS = (Role.REVIEWER,)

# Who may be given a task (一人一岗): the branch's secretary, its officers and its members.
define("task.take", (Role.SECRETARY, Role.MEMBER, *sorted(BRANCH_OFFICERS)), on=Task, label=_("Take the task"))
define("task.view", READERS, on=Task, owner=_is_assignee, label=_("See the task"))
define(
    "task.complete",
    WORKERS,
    on=Task,
    owner=_is_assignee,
    when=lambda task: task.status == TaskStatus.OPEN,
    refused=_not_open,
    label=_("Complete with evidence"),
)
define(
    "task.reply",
    WORKERS,
    on=Task,
    owner=_is_assignee,
    when=lambda task: task.supervised,
    refused=_("Only a task under supervision takes answers."),
    label=_("Answer the supervision"),
)
define(
    "task.assign",
    WORKERS,
    on=Task,
    when=lambda task: task.status not in (TaskStatus.CHECKED, TaskStatus.CANCELLED),
    refused=_("A checked or cancelled task cannot be reassigned."),
    label=_("Assign"),
)
define(
    "task.cancel",
    (Role.ADMINISTRATOR, Role.SECRETARY),
    on=Task,
    when=lambda task: task.status == TaskStatus.OPEN,
    refused=_not_open,
    label=_("Cancel"),
)
define(
    "task.check",
    CHECKERS,
    on=Task,
    when=lambda task: task.status == TaskStatus.DONE,
    refused=_("Only a task that is done can be checked."),
    label=_("Check the work"),
)
define(
    "task.supervise",
    CHECKERS,
    on=Task,
    when=lambda task: not task.supervised and task.status != TaskStatus.CANCELLED,
    refused=lambda task: (
        _("A cancelled task cannot be supervised.")
        if task.status == TaskStatus.CANCELLED
        else _("This task is already under supervision.")
    ),
    label=_("Put under supervision"),
)
define(
    "task.comment",
    CHECKERS,
    on=Task,
    when=lambda task: task.supervised,
    refused=_("Comments are for tasks under supervision."),
    label=_("Supervision comment"),
)
define(
    "task.release",
    CHECKERS,
    on=Task,
    when=lambda task: task.supervised,
    refused=_("This task is not under supervision."),
    label=_("End supervision"),
)

# A branch's board, its notifications and its reminder sheets.
define("board.view", READERS, on=Organisation, label=_("Open the branch's work board"))
# The committee's overview of every branch's work.
define("tasks.overview", (Role.REVIEWER, Role.ADMINISTRATOR), scope=ANYWHERE, label=_("Work overview"))
define("sheet.view", READERS, on=ReminderSheet, label=_("Read the reminder sheet"))
# The branch's own people, to whom its sheets are addressed (the committee reads them all).
define(
    "sheet.receive",
    (Role.SECRETARY, *sorted(BRANCH_OFFICERS)),
    on=ReminderSheet,
    label=_("Receive the branch's reminder sheets"),
)
# The sheet and the branch's other messages go to the branch's secretary (holding the role on the
# branch itself), in the platform and by e-mail as they chose.
define("sheet.email", (Role.SECRETARY,), on=Organisation, label=_("Receive the reminder sheets by e-mail"))
# The board's step that completes several ticked tasks at once; each task is then asked
# ``task.complete`` on its own (a line's officer completes only their own line's tasks, a
# plain member only the tasks assigned to them).
define(
    "work.complete_many",
    tuple(WORKERS),
    on=Organisation,
    owner=_has_open_work_in,
    label=_("Complete several tasks at once"),
)
# Work nobody has been given yet is the secretary's to do or to hand on.
define("work.unassigned", (Role.SECRETARY,), on=Organisation, label=_("Answer for the branch's unassigned work"))

# 阶段性工作要求: sent from an active committee or general branch to the branches below it.
SENDERS = (Role.ADMINISTRATOR, Role.REVIEWER)
define(
    "requirement.send",
    SENDERS,
    on=Organisation,
    when=lambda unit: unit.is_active and unit.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH),
    refused=_("Work requirements are sent from an active committee or general branch."),
    label=_("Send a work requirement"),
)
define("requirement.view", SENDERS, on=AdHocRequest, label=_("See the work requirement"))
