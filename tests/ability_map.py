"""Which pages and API endpoints each ability guards.

Every ability of the ability tables (``<app>/permissions.py``) has an entry here:
``tests/test_ability_tables.py`` fails on an ability without one, derives from the ability
table what each role fixture must get (success, 403 inside the scope, 404 outside it), checks
the role × URL and role × endpoint tables against it, and checks that the page and the API
give the same answer where both exist.

``unit`` names the world's organisation the guarded object belongs to ("branch_a", or
"committee"); ``None`` for abilities asked without an object (lists, the handbook).
An ability with no URL of its own says why in ``note``.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Guarded:
    pages: tuple[str, ...] = ()
    api: tuple[tuple[str, str], ...] = ()
    unit: str | None = "branch_a"
    note: str = ""
    parity: tuple[tuple[str, tuple[str, str]], ...] = field(default=())


ABILITY_MAP: dict[str, Guarded] = {
    # meetings
    "meeting.list": Guarded(pages=("meetings:unit",)),
    "meeting.view": Guarded(
        pages=("meetings:detail", "meetings:pdf", "meetings:file"),
        api=(("api:meeting-detail", "get"),),
        parity=(("meetings:detail", ("api:meeting-detail", "get")),),
    ),
    "meeting.record": Guarded(
        pages=("meetings:record",),
        api=(("api:meeting-list", "post"),),
        parity=(("meetings:record", ("api:meeting-list", "post")),),
    ),
    "meeting.makeup": Guarded(
        pages=("meetings:makeup",),
        api=(("api:meeting-attendance-makeup", "post"),),
        parity=(("meetings:makeup", ("api:meeting-attendance-makeup", "post")),),
    ),
    "meeting.edit": Guarded(
        pages=("meetings:edit", "meetings:files_add", "meetings:file_remove"),
        api=(("api:meeting-detail", "patch"),),
        parity=(("meetings:edit", ("api:meeting-detail", "patch")),),
    ),
    "resolution.close": Guarded(
        pages=("meetings:resolution_close",),
        api=(("api:meeting-resolution-close", "post"),),
        parity=(("meetings:resolution_close", ("api:meeting-resolution-close", "post")),),
    ),
    "resolution.edit": Guarded(
        pages=("meetings:resolution_edit",),
        api=(("api:meeting-resolution-detail", "patch"),),
        parity=(("meetings:resolution_edit", ("api:meeting-resolution-detail", "patch")),),
    ),
    # branches
    "organisation.view": Guarded(
        pages=("branches:detail",),
        api=(("api:organisation-detail", "get"), ("api:organisation-subtree", "get")),
        parity=(("branches:detail", ("api:organisation-detail", "get")),),
    ),
    "organisation.administer": Guarded(
        pages=("branches:create", "branches:edit", "branches:move", "branches:dissolve", "branches:roles"),
        api=(
            ("api:organisation-detail", "patch"),
            ("api:organisation-children", "post"),
            ("api:organisation-move", "post"),
            ("api:organisation-dissolve", "post"),
        ),
        parity=(
            ("branches:edit", ("api:organisation-detail", "patch")),
            ("branches:create", ("api:organisation-children", "post")),
            ("branches:move", ("api:organisation-move", "post")),
            ("branches:dissolve", ("api:organisation-dissolve", "post")),
        ),
    ),
    "role.revoke": Guarded(pages=("branches:role_revoke",)),
    "organisation.answer_for": Guarded(
        note="no page of its own: the workbench's branches without a secretary, the demo seed's secretaries"
    ),
    "audit.view": Guarded(pages=("audit_log",), unit=None),
    "users.unplaced": Guarded(note="the workbench's list of users who hold no role, for a whole tree's administrators"),
    # handbook
    "handbook.read": Guarded(
        pages=("handbook:index", "handbook:editions"),
        api=(("api:handbook-edition-list", "get"), ("api:handbook-edition-in-force", "get")),
        unit=None,
        parity=(("handbook:editions", ("api:handbook-edition-list", "get")),),
    ),
    "handbook.edit": Guarded(
        pages=("handbook:draft_start", "handbook:edition_import"),
        api=(("api:handbook-edition-publish", "post"),),
        unit=None,
    ),
    "handbook.propose": Guarded(pages=("handbook:propose_new",), unit=None),
    "study.organise": Guarded(pages=("handbook:training_create",), unit=None),
    # members
    "member.view": Guarded(
        pages=("members:detail",),
        api=(("api:member-detail", "get"),),
        parity=(("members:detail", ("api:member-detail", "get")),),
    ),
    "member.edit": Guarded(
        pages=("members:edit",),
        api=(("api:member-detail", "patch"),),
        parity=(("members:edit", ("api:member-detail", "patch")),),
    ),
    "member.administer": Guarded(
        pages=("members:transfer", "members:create", "members:transfer_all", "members:export"),
        api=(("api:member-transfer", "post"), ("api:member-transfer-all", "post")),
        parity=(("members:transfer", ("api:member-transfer", "post")),),
    ),
    "member.see_full_id": Guarded(note="decides how the ID number is shown on the roster pages and the API"),
    "member.import": Guarded(
        pages=("members:import_start",),
        api=(("api:member-import-list", "post"),),
        parity=(("members:import_start", ("api:member-import-list", "post")),),
    ),
    # development
    "development.list": Guarded(pages=("development:unit",)),
    "development.view": Guarded(
        pages=("development:detail",),
        api=(("api:development-candidate-detail", "get"),),
        parity=(("development:detail", ("api:development-candidate-detail", "get")),),
    ),
    "development.open": Guarded(
        pages=("development:create",),
        api=(("api:development-candidate-list", "post"),),
        parity=(("development:create", ("api:development-candidate-list", "post")),),
    ),
    "development.keep": Guarded(
        pages=("development:record", "development:close"),
        api=(("api:development-candidate-steps", "post"),),
        parity=(("development:record", ("api:development-candidate-steps", "post")),),
    ),
    # dues
    "dues.view": Guarded(pages=("dues:month", "dues:export", "dues:current")),
    "dues.keep": Guarded(
        pages=("dues:import", "dues:close"),
        api=(("api:dues-entry-list", "post"), ("api:dues-entry-detail", "patch"), ("api:dues-month-close", "post")),
        parity=(("dues:import", ("api:dues-entry-list", "post")), ("dues:close", ("api:dues-month-close", "post"))),
    ),
    "dues.reopen": Guarded(
        pages=("dues:reopen",),
        api=(("api:dues-month-reopen", "post"),),
        parity=(("dues:reopen", ("api:dues-month-reopen", "post")),),
    ),
    "dues.member_view": Guarded(
        pages=("dues:member",),
        api=(("api:dues-entry-detail", "get"),),
        parity=(("dues:member", ("api:dues-entry-detail", "get")),),
    ),
    # tasks
    "task.take": Guarded(note="who a task may be assigned to (the assignees list and the assign step)"),
    "task.view": Guarded(
        pages=("tasks:detail",),
        api=(("api:task-detail", "get"),),
        parity=(("tasks:detail", ("api:task-detail", "get")),),
    ),
    "task.complete": Guarded(
        pages=("tasks:complete",),
        api=(("api:task-complete", "post"),),
        parity=(("tasks:complete", ("api:task-complete", "post")),),
    ),
    "task.reply": Guarded(pages=("tasks:reply",), api=(("api:task-reply", "post"),)),
    "task.assign": Guarded(
        pages=("tasks:assign",),
        api=(("api:task-assign", "post"), ("api:task-assignees", "get")),
        parity=(("tasks:assign", ("api:task-assign", "post")),),
    ),
    "task.cancel": Guarded(
        pages=("tasks:cancel",),
        api=(("api:task-cancel", "post"),),
        parity=(("tasks:cancel", ("api:task-cancel", "post")),),
    ),
    "task.check": Guarded(
        pages=("tasks:check",),
        api=(("api:task-check", "post"),),
        parity=(("tasks:check", ("api:task-check", "post")),),
    ),
    "task.supervise": Guarded(
        pages=("tasks:supervise",),
        api=(("api:task-supervise", "post"),),
        parity=(("tasks:supervise", ("api:task-supervise", "post")),),
    ),
    "task.comment": Guarded(pages=("tasks:comment",), api=(("api:task-comment", "post"),)),
    "task.release": Guarded(pages=("tasks:release",), api=(("api:task-release", "post"),)),
    "work.complete_many": Guarded(
        pages=("tasks:complete_many",),
        api=(("api:task-complete-many", "post"),),
        parity=(("tasks:complete_many", ("api:task-complete-many", "post")),),
    ),
    "board.view": Guarded(pages=("tasks:board", "tasks:notifications")),
    "sheet.receive": Guarded(note="which branches' latest reminder sheets the workbench shows a user"),
    "sheet.email": Guarded(note="to whom the reminder job e-mails a branch's sheet (tests/tasks/test_reminders.py)"),
    "work.unassigned": Guarded(note="whose list of work (workbench, my work) holds the branch's unassigned tasks"),
    "tasks.overview": Guarded(pages=("tasks:overview",), unit=None),
    "sheet.view": Guarded(
        pages=("tasks:sheet", "tasks:sheet_pdf", "tasks:sheet_xlsx"),
        api=(("api:reminder-sheet-detail", "get"),),
        parity=(("tasks:sheet", ("api:reminder-sheet-detail", "get")),),
    ),
    "requirement.send": Guarded(pages=("tasks:request_create",), unit="committee"),
    "requirement.view": Guarded(api=(("api:requirement-detail", "get"),), unit="committee"),
    # assessments
    "scorecard.view": Guarded(
        pages=("assessments:scorecard", "assessments:history"),
        api=(("api:scorecard-detail", "get"),),
        parity=(("assessments:scorecard", ("api:scorecard-detail", "get")),),
    ),
    "scorecard.fill": Guarded(
        pages=(
            "assessments:line_save",
            "assessments:line_seen",
            "assessments:submit",
            "assessments:submit_check",
            "assessments:accept_suggestions",
            "assessments:evidence_upload",
        ),
        api=(
            ("api:scorecard-lines", "post"),
            ("api:scorecard-submit", "post"),
            ("api:scorecard-accept-suggestions", "post"),
        ),
        parity=(
            ("assessments:line_save", ("api:scorecard-lines", "post")),
            ("assessments:submit", ("api:scorecard-submit", "post")),
            ("assessments:accept_suggestions", ("api:scorecard-accept-suggestions", "post")),
        ),
    ),
    "scorecard.review": Guarded(
        pages=("assessments:review_line_save", "assessments:return", "assessments:finalise"),
        api=(("api:scorecard-review", "post"), ("api:scorecard-return", "post"), ("api:scorecard-finalise", "post")),
        parity=(
            ("assessments:return", ("api:scorecard-return", "post")),
            ("assessments:finalise", ("api:scorecard-finalise", "post")),
        ),
    ),
    "scorecard.read_review": Guarded(pages=("assessments:review",)),
    "scorecard.see_review": Guarded(note="decides whether the card page, its history and the API show review scores"),
    "dashboard.view": Guarded(
        pages=("assessments:dashboard", "assessments:desk_list"),
        api=(("api:dashboard-summary", "get"),),
        unit=None,
        parity=(("assessments:dashboard", ("api:dashboard-summary", "get")),),
    ),
    "plan.create": Guarded(pages=("assessments:plan_create",), unit="committee"),
    "finding.view": Guarded(api=(("api:finding-detail", "get"),)),
    "finding.write": Guarded(pages=("assessments:finding_add",), api=(("api:finding-list", "post"),)),
    "rectification.view": Guarded(
        pages=("assessments:rectification_item", "assessments:rectification_evidence"),
        api=(("api:rectification-item-detail", "get"),),
    ),
    "rectification.report": Guarded(
        pages=("assessments:rectification_report",), api=(("api:rectification-item-report", "post"),)
    ),
    "rectification.verify": Guarded(
        pages=("assessments:rectification_verify",), api=(("api:rectification-item-verify", "post"),)
    ),
    "rectification.assign": Guarded(
        pages=("assessments:rectification_assign",), api=(("api:rectification-item-assign", "post"),)
    ),
    "rectification.own": Guarded(note="who may own a rectification item (the owner candidates)"),
    "check.view": Guarded(
        pages=("assessments:check_record",),
        api=(("api:check-record-detail", "get"),),
        parity=(("assessments:check_record", ("api:check-record-detail", "get")),),
    ),
    "check.record": Guarded(
        pages=(
            "assessments:year_end_check",
            "assessments:check_written",
            "assessments:check_practice_add",
            "assessments:check_difficulty_add",
        ),
        api=(
            ("api:check-record-list", "post"),
            ("api:check-record-detail", "patch"),
            ("api:check-record-good-practices", "post"),
            ("api:check-record-difficulties", "post"),
        ),
        parity=(
            ("assessments:year_end_check", ("api:check-record-list", "post")),
            ("assessments:check_practice_add", ("api:check-record-good-practices", "post")),
            ("assessments:check_difficulty_add", ("api:check-record-difficulties", "post")),
        ),
    ),
    "check.send_practice": Guarded(
        pages=("assessments:check_practice_send",),
        api=(("api:check-record-send-practice", "post"),),
        parity=(("assessments:check_practice_send", ("api:check-record-send-practice", "post")),),
    ),
    "difficulty.view": Guarded(api=(("api:difficulty-detail", "get"),)),
    "difficulty.answer": Guarded(
        pages=("assessments:difficulty_answer",),
        api=(("api:difficulty-answer", "post"),),
        parity=(("assessments:difficulty_answer", ("api:difficulty-answer", "post")),),
    ),
    "rectification.first_owner": Guarded(
        note="who owns a new rectification item when the review is final (no page: the finalise step names them)"
    ),
    "upgrade.view": Guarded(pages=("assessments:upgrade",)),
    "upgrade.edit": Guarded(pages=("assessments:upgrade_target",)),
    # notifications
    "notifications.configure": Guarded(
        pages=(
            "notifications:robots",
            "notifications:robot_edit",
            "notifications:robot_test",
            "notifications:robot_delete",
        )
    ),
    "notifications.log": Guarded(pages=("notifications:log",)),
    "notifications.require": Guarded(pages=("notifications:required",)),
}
