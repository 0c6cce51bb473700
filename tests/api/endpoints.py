"""The role × endpoint × method table of the REST API.

Each entry is ``(url name, method): ApiCase``; ``test_access_table`` checks that every
endpoint and method of the ``api`` namespace has exactly one entry and that each role
fixture gets the expected status. Other apps add their endpoints here.

``of_branch(world, branch)`` gives the URL's arguments for an object of that branch, for
``test_no_leaks`` (which asks for its own branch's and the other branch's); endpoints
without it are company-wide (the handbook) or take no argument.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Scorecard
from assessments.services.review import scorecard_finalise, scorecard_mark_reviewed
from handbook.models import Edition
from members.models import ImportStatus, MemberImport, MemberStatus
from tasks.models import Evidence, ReminderSheet, Task, TaskStatus
from tasks.services import request_send
from tests.ability_derivation import DEFAULT, expectations
from tests.factories import (
    RECORDS_REASON,
    MemberFactory,
    make_edition,
    make_meeting,
    make_task,
    open_scorecard,
    submit_card,
)
from tests.members.xlsx import row, xlsx
from tests.url_table import ROLES


@dataclass(frozen=True)
class ApiCase:
    expect: dict[str, int]
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})
    data: Callable[[Any], dict[str, Any] | None] = field(default=lambda world: None)
    format: str = "json"
    of_branch: Callable[[Any, Any], dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        missing = set(ROLES) - set(self.expect)
        if missing:
            raise ValueError(f"ApiCase is missing expected statuses for {sorted(missing)}")


def statuses(default: int, **overrides: int) -> dict[str, int]:
    """Every role gets ``default`` unless named; the anonymous client gets 401."""
    table = {role: default for role in ROLES}
    table["anonymous"] = 401
    table.update(overrides)
    return table


def from_ability(name: str, *, ok: int = 200, unit: object = DEFAULT, **overrides: int) -> dict[str, int]:
    """The statuses of an endpoint guarded by the ability ``name``, derived from its table
    (see ``tests.url_table.from_ability``); the anonymous client gets 401."""
    return expectations(name, ok=ok, anonymous=401, unit=unit, **overrides)


def _admin_of_a(ok: int) -> dict[str, int]:
    return statuses(403, administrator=ok, secretary_b=404, outsider=404)


def _a(world: Any) -> dict[str, int]:
    return {"pk": world.branch_a.pk}


def _a1(world: Any) -> dict[str, int]:
    return {"pk": world.group_a1.pk}


def _unit(world: Any, branch: Any) -> dict[str, int]:
    return {"pk": branch.pk}


# --- members ---------------------------------------------------------------------------------


def _member_of(world: Any, branch: Any, **fields: Any) -> dict[str, int]:
    return {"pk": MemberFactory(branch=branch, **fields).pk}


def _member_in_a(world: Any) -> dict[str, int]:
    return _member_of(world, world.branch_a)


def _flowing_member_in_a(world: Any) -> dict[str, int]:
    return _member_of(world, world.branch_a, status=MemberStatus.FLOWING, flowing_to="深圳项目部")


def _import_of(world: Any, branch: Any, status: str = ImportStatus.VALID) -> dict[str, int]:
    import_row = MemberImport(organisation=branch, created_by=world.administrator, original_name="a.xlsx")
    import_row.status = status
    import_row.file.save("a.xlsx", ContentFile(b"PK"), save=False)
    import_row.save()
    return {"pk": import_row.pk}


def _import_in_a(world: Any) -> dict[str, int]:
    return _import_of(world, world.branch_a)


def _new_member(world: Any) -> dict[str, Any]:
    return {
        "branch": world.branch_a.pk,
        "name": "新党员",
        "gender": "female",
        "birth_date": "1995-04-03",
        "id_number": "110105199504030021",
        "category": "probationary",
        "joined_on": "2024-07-01",
    }


def _roll_of_a(world: Any) -> dict[str, Any]:
    MemberFactory(branch=world.branch_a)
    return {"from_branch": world.branch_a.pk, "to_branch": world.branch_b.pk, "reason": "项目完工"}


def _roster_file(world: Any) -> dict[str, Any]:
    return {"organisation": world.branch_a.pk, "file": SimpleUploadedFile("roster.xlsx", xlsx([row("A")]))}


# --- handbook --------------------------------------------------------------------------------

# The handbook is company-wide: anyone holding a role reads it; without any role, 403.
_READERS = statuses(200, outsider=403)


def _in_force(world: Any) -> dict[str, int]:
    make_edition()
    return {}


def _edition_in_force(world: Any) -> dict[str, int]:
    return {"pk": make_edition().pk}


def _draft(world: Any) -> dict[str, int]:
    return {"pk": make_edition(version="T2", published=False).pk}


def _article_of_a_draft(world: Any) -> dict[str, int]:
    return {"pk": make_edition(version="T2", published=False).articles.order_by("code").first().pk}


def _article_in_force(world: Any) -> dict[str, int]:
    return {"pk": make_edition().articles.order_by("code").first().pk}


ENDPOINTS: dict[tuple[str, str], ApiCase] = {
    ("api:schema", "get"): ApiCase(statuses(200, anonymous=200)),
    ("api:docs", "get"): ApiCase(statuses(200, anonymous=200)),
    # Anyone may ask for a token; these credentials are the reviewer's.
    ("api:token", "post"): ApiCase(
        statuses(201, anonymous=201), data=lambda w: {"username": "reviewer", "password": "pass-word-123"}
    ),
    ("api:token", "delete"): ApiCase(statuses(204)),
    ("api:token-revoke-all", "post"): ApiCase(statuses(200)),
    ("api:me", "get"): ApiCase(statuses(200)),
    ("api:organisation-list", "get"): ApiCase(statuses(200)),
    ("api:organisation-tree", "get"): ApiCase(statuses(200)),
    ("api:organisation-detail", "get"): ApiCase(from_ability("organisation.view"), kwargs=_a, of_branch=_unit),
    ("api:organisation-detail", "patch"): ApiCase(
        from_ability("organisation.administer"), kwargs=_a, data=lambda w: {"name": "一号项目部"}
    ),
    ("api:organisation-subtree", "get"): ApiCase(from_ability("organisation.view"), kwargs=_a, of_branch=_unit),
    ("api:organisation-children", "post"): ApiCase(
        from_ability("organisation.administer", ok=201),
        kwargs=_a,
        data=lambda w: {"code": "A2", "name": "第二党小组", "kind": "group"},
    ),
    ("api:organisation-move", "post"): ApiCase(
        from_ability("organisation.administer"), kwargs=_a1, data=lambda w: {"new_parent": w.branch_b.pk}
    ),
    ("api:organisation-dissolve", "post"): ApiCase(
        from_ability("organisation.administer"), kwargs=_a1, data=lambda w: {"on": "2026-11-20", "reason": "项目完工"}
    ),
    ("api:member-list", "get"): ApiCase(statuses(200, member=403, outsider=403)),
    ("api:member-list", "post"): ApiCase(_admin_of_a(201), data=_new_member),
    ("api:member-detail", "get"): ApiCase(from_ability("member.view"), kwargs=_member_in_a, of_branch=_member_of),
    # A secretary keeps the contact fields of their own branch's members up to date.
    ("api:member-detail", "patch"): ApiCase(
        from_ability("member.edit"),
        kwargs=_member_in_a,
        data=lambda w: {"phone": "13911112222"},
    ),
    ("api:member-transfer", "post"): ApiCase(
        from_ability("member.administer"),
        kwargs=_member_in_a,
        data=lambda w: {"to_branch": w.branch_b.pk, "reason": "项目调整"},
    ),
    ("api:member-transfer-out", "post"): ApiCase(
        _admin_of_a(200), kwargs=_member_in_a, data=lambda w: {"reason": "调往集团总部"}
    ),
    ("api:member-flowing", "post"): ApiCase(
        _admin_of_a(200), kwargs=_member_in_a, data=lambda w: {"flowing_to": "深圳项目部"}
    ),
    ("api:member-return", "post"): ApiCase(_admin_of_a(200), kwargs=_flowing_member_in_a, data=lambda w: {}),
    ("api:member-status", "post"): ApiCase(
        _admin_of_a(200), kwargs=_member_in_a, data=lambda w: {"status": "deceased", "reason": "病故"}
    ),
    ("api:member-transfer-all", "post"): ApiCase(from_ability("member.administer"), data=_roll_of_a),
    # Administrators import below them, a secretary into their own branch.
    ("api:member-import-list", "post"): ApiCase(
        from_ability("member.import", ok=201),
        data=_roster_file,
        format="multipart",
    ),
    ("api:member-import-detail", "get"): ApiCase(
        statuses(403, administrator=200, secretary_a=200, secretary_b=404, outsider=404),
        kwargs=_import_in_a,
        of_branch=_import_of,
    ),
    ("api:member-import-commit", "post"): ApiCase(
        statuses(403, administrator=202, secretary_a=202, secretary_b=404, outsider=404), kwargs=_import_in_a
    ),
    ("api:handbook-edition-list", "get"): ApiCase(from_ability("handbook.read")),
    ("api:handbook-edition-detail", "get"): ApiCase(_READERS, kwargs=_edition_in_force),
    ("api:handbook-edition-in-force", "get"): ApiCase(from_ability("handbook.read"), kwargs=_in_force),
    ("api:handbook-edition-parts", "get"): ApiCase(_READERS, kwargs=_edition_in_force),
    ("api:handbook-edition-publish", "post"): ApiCase(from_ability("handbook.edit"), kwargs=_draft),
    ("api:handbook-article-list", "get"): ApiCase(_READERS, kwargs=_in_force),
    ("api:handbook-article-detail", "get"): ApiCase(_READERS, kwargs=_article_in_force),
    ("api:handbook-article-fill-in-form", "get"): ApiCase(_READERS, kwargs=_article_in_force),
    ("api:handbook-article-detail", "patch"): ApiCase(
        statuses(403, administrator=200), kwargs=_article_of_a_draft, data=lambda w: {"title": "按期召开支委会"}
    ),
    # Any other path below /api/: 404 in the API's format, for everyone.
    **{
        ("api:unknown", method): ApiCase(statuses(404, anonymous=404))
        for method in ["get", "post", "put", "patch", "delete"]
    },
}


# --- findings, rectification and grades ------------------------------------------------------

# Appended to ENDPOINTS so that this section stays in one piece at the end of the file.


def _boss(world: Any) -> Any:
    """A superuser who files the scorecards (both the branch's and the reviewer's steps)."""
    from branches.models import User
    from tests.factories import UserFactory

    return User.objects.filter(username="boss").first() or UserFactory(username="boss", is_superuser=True)


def _item_of(world: Any, branch: Any, *, done: bool = False) -> dict[str, int]:
    from assessments.services.rectification import rectification_report
    from tests.factories import rectification_item

    item = rectification_item(branch, by=_boss(world), problem=f"{branch.name}台账不全")
    if done:
        rectification_report(item=item, by=_boss(world), action_taken="已补齐台账")
    return {"pk": item.pk}


def _item_in_a(world: Any) -> dict[str, int]:
    return _item_of(world, world.branch_a)


def _done_item_in_a(world: Any) -> dict[str, int]:
    return _item_of(world, world.branch_a, done=True)


def _final_finding_of(world: Any, branch: Any) -> dict[str, int]:
    from assessments.models import RectificationItem

    return {"pk": RectificationItem.objects.get(pk=_item_of(world, branch)["pk"]).finding_id}


def _final_finding_in_a(world: Any) -> dict[str, int]:
    return _final_finding_of(world, world.branch_a)


def _finals_in_both(world: Any) -> dict[str, int]:
    """Lists: a final review with a finding and an item in A and in B, so that the lists hold rows."""
    _item_of(world, world.branch_a)
    _item_of(world, world.branch_b)
    return {}


def _submitted_in_a(world: Any) -> Any:
    from tests.factories import open_scorecard

    card = open_scorecard(world.branch_a, year=2026, quarter=4)
    if card.status == "draft":
        card = submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)
    return card


def _new_finding(world: Any) -> dict[str, Any]:
    card = _submitted_in_a(world)
    article = card.lines.order_by("article__code").first().article_id
    return {"scorecard": card.pk, "version": card.version, "article": article, "problem": "支委会记录不全"}


def _finding_under_review_in_a(world: Any) -> dict[str, int]:
    from assessments.services.review import finding_add

    card = _submitted_in_a(world)
    article = card.lines.order_by("article__code").first().article_id
    return {
        "pk": finding_add(
            scorecard=card, by=world.reviewer, article_id=article, problem="党课记录缺失", severity="minor"
        ).pk
    }


_LISTED = statuses(200, member=403, outsider=403)

ENDPOINTS.update(
    {
        ("api:finding-list", "get"): ApiCase(_LISTED, kwargs=_finals_in_both),
        ("api:finding-list", "post"): ApiCase(from_ability("finding.write", ok=201), data=_new_finding),
        ("api:finding-detail", "get"): ApiCase(
            from_ability("finding.view"), kwargs=_final_finding_in_a, of_branch=_final_finding_of
        ),
        # Under review: the branch does not see the finding yet (403 inside its scope).
        ("api:finding-detail", "delete"): ApiCase(
            statuses(403, reviewer=204, secretary_b=404, outsider=404), kwargs=_finding_under_review_in_a
        ),
        ("api:rectification-item-list", "get"): ApiCase(_LISTED, kwargs=_finals_in_both),
        ("api:rectification-item-detail", "get"): ApiCase(
            from_ability("rectification.view"), kwargs=_item_in_a, of_branch=_item_of
        ),
        ("api:rectification-item-report", "post"): ApiCase(
            from_ability("rectification.report"),
            kwargs=_item_in_a,
            data=lambda w: {"action_taken": "已召开专题会议整改", "evidence": "会议记录"},
        ),
        ("api:rectification-item-verify", "post"): ApiCase(
            from_ability("rectification.verify"),
            kwargs=_done_item_in_a,
            data=lambda w: {"decision": "close"},
        ),
        ("api:rectification-item-assign", "post"): ApiCase(
            from_ability("rectification.assign"),
            kwargs=_item_in_a,
            data=lambda w: {"owner": w.member.pk},
        ),
        ("api:grade-list", "get"): ApiCase(_LISTED, kwargs=_finals_in_both),
        ("api:grade-years", "get"): ApiCase(_LISTED, kwargs=_finals_in_both),
    }
)


# --- scorecards and dashboard -------------------------------------------------------------------

# A card of branch A: its branch's plain member gets 403 (A is in their scope), not 404.
_CARD_OF_A = statuses(200, secretary_b=404, outsider=404, member=403)


def _branch_secretary(world: Any, branch: Any) -> Any:
    return world.secretary_a if branch == world.branch_a else world.secretary_b


def _draft_of(world: Any, branch: Any) -> Scorecard:
    return open_scorecard(branch, deadline=dt.date(2099, 1, 10))


def _submitted_of(world: Any, branch: Any) -> Scorecard:
    """The branch's card, submitted (once: a crawl asks for the body again for each role)."""
    card = _draft_of(world, branch)
    if not card.self_editable:
        return card
    return submit_card(card, by=_branch_secretary(world, branch), reason=RECORDS_REASON)


def _reviewed_of(world: Any, branch: Any) -> Scorecard:
    card = _submitted_of(world, branch)
    return scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=card.version)


def _final_of(world: Any, branch: Any) -> Scorecard:
    """A final card with its feedback sheet stored (a stand-in: the job never runs in a test transaction)."""
    card = _reviewed_of(world, branch)
    card = scorecard_finalise(scorecard=card, by=world.reviewer, version=card.version)
    card.feedback_pdf.save("feedback.pdf", ContentFile(b"%PDF-1.4 stand-in"), save=False)
    card.save(update_fields=["feedback_pdf"])
    return card


def _pk_of(make: Callable[[Any, Any], Scorecard]) -> Callable[[Any, Any], dict[str, int]]:
    return lambda world, branch: {"pk": make(world, branch).pk}


def _in_a(make: Callable[[Any, Any], Scorecard]) -> Callable[[Any], dict[str, int]]:
    return lambda world: {"pk": make(world, world.branch_a).pk}


def _card_in_a(world: Any) -> Scorecard:
    return Scorecard.objects.get(branch=world.branch_a)


def _version_of_a(world: Any, **fields: Any) -> dict[str, Any]:
    return {"version": _card_in_a(world).version, **fields}


def _first_line_of_a(world: Any) -> dict[str, Any]:
    line = _card_in_a(world).lines.order_by("article__code").first()
    return _version_of_a(world, lines=[{"line": line.pk, "deductions": [], "note": "已自查"}])


def _only_in_a(role: str, ok: int) -> dict[str, int]:
    """Only ``role`` may: the others over A get 403, those who cannot see A 404."""
    return statuses(403, secretary_b=404, outsider=404, **{role: ok})


ENDPOINTS |= {
    ("api:scorecard-list", "get"): ApiCase(statuses(200, member=403, outsider=403)),
    ("api:scorecard-list", "post"): ApiCase(
        _only_in_a("secretary_a", 201), kwargs=_in_force, data=lambda w: {"branch": w.branch_a.pk}
    ),
    ("api:scorecard-detail", "get"): ApiCase(
        from_ability("scorecard.view"), kwargs=_in_a(_draft_of), of_branch=_pk_of(_draft_of)
    ),
    ("api:scorecard-measures", "get"): ApiCase(
        from_ability("scorecard.view"), kwargs=_in_a(_draft_of), of_branch=_pk_of(_draft_of)
    ),
    ("api:scorecard-lines", "post"): ApiCase(
        from_ability("scorecard.fill"), kwargs=_in_a(_draft_of), data=_first_line_of_a
    ),
    ("api:scorecard-submit", "post"): ApiCase(
        from_ability("scorecard.fill"), kwargs=_in_a(_draft_of), data=_version_of_a
    ),
    ("api:scorecard-accept-suggestions", "post"): ApiCase(
        from_ability("scorecard.fill"), kwargs=_in_a(_draft_of), data=_version_of_a
    ),
    ("api:scorecard-review", "post"): ApiCase(
        from_ability("scorecard.review"),
        kwargs=_in_a(_submitted_of),
        data=lambda w: _version_of_a(w, methods=["documents", "site_visit"]),
    ),
    ("api:scorecard-return", "post"): ApiCase(
        from_ability("scorecard.review"),
        kwargs=_in_a(_submitted_of),
        data=lambda w: _version_of_a(w, reason="自评依据不足,请补充佐证资料"),
    ),
    ("api:scorecard-mark-reviewed", "post"): ApiCase(
        _only_in_a("reviewer", 200), kwargs=_in_a(_submitted_of), data=_version_of_a
    ),
    ("api:scorecard-finalise", "post"): ApiCase(
        from_ability("scorecard.review"), kwargs=_in_a(_reviewed_of), data=_version_of_a
    ),
    ("api:scorecard-feedback", "get"): ApiCase(_CARD_OF_A, kwargs=_in_a(_final_of), of_branch=_pk_of(_final_of)),
    ("api:scorecard-acknowledge", "post"): ApiCase(
        _only_in_a("secretary_a", 200), kwargs=_in_a(_final_of), data=lambda w: {}
    ),
    # Reviewers and administrators, as the dashboard page; a secretary holds neither role anywhere.
    ("api:dashboard-summary", "get"): ApiCase(from_ability("dashboard.view")),
}
# --- tasks -----------------------------------------------------------------------------------

# A branch's tasks and sheets: its administrators, reviewers and secretaries (a plain member
# of the branch 403, another branch's secretary 404); rows guarded by one ability derive theirs.
_BOARD_OF_A = statuses(200, secretary_b=404, outsider=404, member=403)
# Sent from the committee: administrators and reviewers over it; no one else sees it.
_SENDERS = statuses(403, administrator=200, reviewer=200)


def _task_of(world: Any, branch: Any, **fields: Any) -> Task:
    edition = Edition.objects.filter(version="T1").first() or make_edition()
    article = edition.articles.filter(frequency="monthly").first()
    return make_task(branch, article, due_on=dt.date(2026, 11, 25), **fields)


def _task_pk(world: Any, branch: Any, **fields: Any) -> dict[str, int]:
    return {"pk": _task_of(world, branch, **fields).pk}


def _task_in_a(world: Any) -> dict[str, int]:
    return _task_pk(world, world.branch_a)


def _done_in_a(world: Any) -> dict[str, int]:
    return _task_pk(world, world.branch_a, status=TaskStatus.DONE)


def _supervised_in_a(world: Any) -> dict[str, int]:
    return _task_pk(world, world.branch_a, supervised=True)


def _evidence_of(world: Any, branch: Any) -> dict[str, int]:
    evidence = Evidence(task=_task_of(world, branch), original_name="记录.pdf", content_type="application/pdf", size=6)
    evidence.file.save("a.pdf", ContentFile(b"%PDF-1"), save=False)
    evidence.save()
    return {"pk": evidence.pk}


def _sheet_of(world: Any, branch: Any) -> dict[str, int]:
    task = _task_of(world, branch)
    line = {
        "task": task.pk, "code": task.code, "title": task.title, "period": task.period_key, "what": "召开支委会",
        "who": "支部书记", "when": "每月", "standard": "记录齐全", "due_on": "2026-11-25", "assignee": "",
        "overdue": False,
    }  # fmt: skip
    sheet = ReminderSheet.objects.create(
        branch=branch,
        kind="monthly",
        period_key="2026-11",
        period_start=dt.date(2026, 11, 1),
        period_end=dt.date(2026, 11, 30),
        lines=[line],
    )
    return {"pk": sheet.pk}


def _sheet_of_a(world: Any) -> dict[str, int]:
    return _sheet_of(world, world.branch_a)


def _tasks_and_sheets_in_both(world: Any) -> dict[str, int]:
    """For the lists: rows in both branches, so that the no-leak test looks at real ones."""
    for branch in (world.branch_a, world.branch_b):
        _sheet_of(world, branch)  # with its task
        _task_of(world, branch, period_key="2026-10", assignee=world.member)
    return {}


def _requirement(world: Any) -> dict[str, int]:
    sent = request_send(
        organisation=world.committee, title="迎检准备", what="整理台账", due_on=dt.date(2099, 1, 1), by=world.reviewer
    )
    return {"pk": sent.pk}


def _requirements(world: Any) -> dict[str, int]:
    _requirement(world)
    return {}


def _new_requirement(world: Any) -> dict[str, Any]:
    return {"organisation": world.committee.pk, "title": "迎检准备", "what": "整理台账", "due_on": "2099-01-01"}


ENDPOINTS.update(
    {
        # Anyone sees the tasks assigned to them; the roles above see their branches' tasks.
        ("api:task-list", "get"): ApiCase(statuses(200), kwargs=_tasks_and_sheets_in_both),
        ("api:task-detail", "get"): ApiCase(from_ability("task.view"), kwargs=_task_in_a, of_branch=_task_pk),
        ("api:task-complete", "post"): ApiCase(
            from_ability("task.complete"), kwargs=_task_in_a, data=lambda w: {"note": "已召开支委会"}
        ),
        # The board's "complete several": the same answer as the page (tasks:complete_many).
        ("api:task-complete-many", "post"): ApiCase(
            from_ability("work.complete_many"),
            data=lambda w: {"branch": w.branch_a.pk, "tasks": [_task_of(w, w.branch_a).pk], "note": "补录"},
        ),
        ("api:task-assign", "post"): ApiCase(
            from_ability("task.assign"), kwargs=_task_in_a, data=lambda w: {"assignee": w.member.pk}
        ),
        ("api:task-assignees", "get"): ApiCase(from_ability("task.assign"), kwargs=_task_in_a, of_branch=_task_pk),
        ("api:task-cancel", "post"): ApiCase(
            from_ability("task.cancel"), kwargs=_task_in_a, data=lambda w: {"reason": "项目停工"}
        ),
        ("api:task-check", "post"): ApiCase(
            from_ability("task.check"), kwargs=_done_in_a, data=lambda w: {"quality": "good"}
        ),
        ("api:task-supervise", "post"): ApiCase(
            from_ability("task.supervise"), kwargs=_task_in_a, data=lambda w: {"comment": "本月底前补开支委会"}
        ),
        ("api:task-comment", "post"): ApiCase(
            from_ability("task.comment"), kwargs=_supervised_in_a, data=lambda w: {"text": "请尽快"}
        ),
        ("api:task-reply", "post"): ApiCase(
            from_ability("task.reply"), kwargs=_supervised_in_a, data=lambda w: {"text": "已安排"}
        ),
        ("api:task-release", "post"): ApiCase(from_ability("task.release"), kwargs=_supervised_in_a),
        ("api:task-evidence-detail", "get"): ApiCase(
            _BOARD_OF_A, kwargs=lambda w: _evidence_of(w, w.branch_a), of_branch=_evidence_of
        ),
        ("api:reminder-sheet-list", "get"): ApiCase(
            statuses(200, member=403, outsider=403), kwargs=_tasks_and_sheets_in_both
        ),
        ("api:reminder-sheet-detail", "get"): ApiCase(
            from_ability("sheet.view"), kwargs=_sheet_of_a, of_branch=_sheet_of
        ),
        ("api:requirement-list", "get"): ApiCase(_SENDERS, kwargs=_requirements),
        ("api:requirement-list", "post"): ApiCase(
            statuses(403, administrator=201, reviewer=201), data=_new_requirement
        ),
        # Sent from the committee: outside a secretary's scope.
        ("api:requirement-detail", "get"): ApiCase(from_ability("requirement.view"), kwargs=_requirement),
    }
)


# --- 核标 check records and difficulties ------------------------------------------------------


def _record_of(world: Any, branch: Any) -> Any:
    """A check record of the branch's submitted card, with a good practice and a difficulty."""
    from assessments.models import CheckRecord
    from assessments.services.checks import difficulty_add, good_practice_add
    from tests.factories import record_check

    card = _submitted_of(world, branch) if not Scorecard.objects.filter(branch=branch).exists() else None
    card = card or Scorecard.objects.get(branch=branch)
    record = CheckRecord.objects.filter(scorecard=card).first()
    if record is None:
        record = record_check(card, by=world.reviewer)
        good_practice_add(record=record, by=world.reviewer, title="工地夜校")
        difficulty_add(record=record, by=world.reviewer, text="党员分散在三个工点")
    return record


def _record_in_a(world: Any) -> dict[str, int]:
    return {"pk": _record_of(world, world.branch_a).pk}


def _records_in_a(world: Any) -> dict[str, int]:
    """Lists: a record in A, so that the lists hold rows."""
    _record_of(world, world.branch_a)
    return {}


def _difficulty_in_a(world: Any) -> dict[str, int]:
    return {"pk": _record_of(world, world.branch_a).difficulties.get().pk}


def _record_body(world: Any, **extra: Any) -> dict[str, Any]:
    return {
        "leader": world.reviewer.pk,
        "team": [world.reviewer.pk],
        "started_on": "2026-10-10",
        "ended_on": "2026-10-11",
        "methods": ["documents", "interview"],
        **extra,
    }


def _new_record(world: Any) -> dict[str, Any]:
    return _record_body(world, scorecard=_submitted_of(world, world.branch_a).pk)


ENDPOINTS |= {
    ("api:check-record-list", "get"): ApiCase(statuses(200, member=403, outsider=403), kwargs=_records_in_a),
    ("api:check-record-list", "post"): ApiCase(from_ability("check.record", ok=201), data=_new_record),
    # Under review: the branch does not see the record yet (403 inside its scope).
    ("api:check-record-detail", "get"): ApiCase(from_ability("check.view"), kwargs=_record_in_a),
    ("api:check-record-detail", "patch"): ApiCase(
        from_ability("check.record"), kwargs=_record_in_a, data=lambda w: _record_body(w)
    ),
    ("api:check-record-good-practices", "post"): ApiCase(
        from_ability("check.record"), kwargs=_record_in_a, data=lambda w: {"title": "党员先锋岗"}
    ),
    ("api:check-record-send-practice", "post"): ApiCase(
        from_ability("check.send_practice"),
        kwargs=_record_in_a,
        data=lambda w: {"practice": _record_of(w, w.branch_a).good_practices.get().pk},
    ),
    ("api:check-record-difficulties", "post"): ApiCase(
        from_ability("check.record"), kwargs=_record_in_a, data=lambda w: {"text": "工点分散"}
    ),
    ("api:difficulty-list", "get"): ApiCase(statuses(200, member=403, outsider=403), kwargs=_records_in_a),
    ("api:difficulty-detail", "get"): ApiCase(from_ability("difficulty.view"), kwargs=_difficulty_in_a),
    ("api:difficulty-answer", "post"): ApiCase(
        from_ability("difficulty.answer"),
        kwargs=_difficulty_in_a,
        data=lambda w: {"answer": "同意设立临时党小组"},
    ),
}

# --- dues ------------------------------------------------------------------------------------


def _dues_entry_of(world: Any, branch: Any) -> dict[str, int]:
    from tests.dues.factories import entry_in

    return {"pk": entry_in(branch).pk}


def _dues_in_a(world: Any) -> dict[str, int]:
    return _dues_entry_of(world, world.branch_a)


def _new_dues(world: Any) -> dict[str, Any]:
    member = MemberFactory(branch=world.branch_a)
    return {"member": member.pk, "month": "2026-09", "base": "4800.00", "amount_paid": "48.00", "paid_on": "2026-09-10"}


ENDPOINTS |= {
    # Everyone signed in lists: their branches' ledgers and their own dues (perhaps nothing).
    ("api:dues-entry-list", "get"): ApiCase(statuses(200)),
    ("api:dues-entry-list", "post"): ApiCase(from_ability("dues.keep", ok=201), data=_new_dues),
    ("api:dues-entry-detail", "get"): ApiCase(
        from_ability("dues.member_view"), kwargs=_dues_in_a, of_branch=_dues_entry_of
    ),
    ("api:dues-entry-detail", "patch"): ApiCase(
        from_ability("dues.keep"),
        kwargs=_dues_in_a,
        data=lambda w: {"amount_paid": "48.00", "paid_on": "2026-10-12"},
    ),
}

# --- meetings --------------------------------------------------------------------------------


def _meeting_of(world: Any, branch: Any) -> dict[str, int]:
    return {"pk": make_meeting(branch).pk}


def _new_meeting(world: Any) -> dict[str, Any]:
    people = [MemberFactory(branch=world.branch_a) for _ in range(3)]
    return {
        "branch": world.branch_a.pk,
        "kind": "committee",
        "held_at": "2026-01-10T09:30:00+08:00",
        "place": "会议室",
        "topics": "研究本月工作",
        "absences": [{"member": people[0].pk, "reason": "出差"}],
        "resolutions": [{"text": "完成党费收缴", "owner_member": people[1].pk, "due_on": "2026-02-01"}],
    }


ENDPOINTS |= {
    ("api:meeting-list", "get"): ApiCase(statuses(200, outsider=403)),
    ("api:meeting-list", "post"): ApiCase(from_ability("meeting.record", ok=201), data=_new_meeting),
    # A plain member of A reads only the meetings they were expected at.
    ("api:meeting-detail", "get"): ApiCase(
        from_ability("meeting.view"),
        kwargs=lambda w: _meeting_of(w, w.branch_a),
        of_branch=_meeting_of,
    ),
    # --- meetedit: correcting a record (its version as read)
    ("api:meeting-detail", "patch"): ApiCase(
        from_ability("meeting.edit"),
        kwargs=lambda w: _meeting_of(w, w.branch_a),
        data=lambda w: {"version": 1, "topics": "更正后的议题"},
        of_branch=_meeting_of,
    ),
}

# --- development -----------------------------------------------------------------------------


def _development_file_of(world: Any, branch: Any) -> dict[str, int]:
    from tests.development.files import new_file

    return {"pk": new_file(branch).pk}


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def _new_development_file(world: Any) -> dict[str, Any]:
    from tests.factories import make_id_number

    birth = dt.date(1997, 4, 5)
    return {
        "branch": world.branch_a.pk,
        "name": "新申请人",
        "gender": "female",
        "birth_date": birth.isoformat(),
        "id_number": make_id_number(birth, region="310102"),
        "applied_on": "2026-01-05",
    }


ENDPOINTS |= {
    # A plain member of A sees nothing of the files; an outsider holds no role.
    ("api:development-candidate-list", "get"): ApiCase(statuses(200, member=403, outsider=403)),
    ("api:development-candidate-list", "post"): ApiCase(
        from_ability("development.open", ok=201), data=_new_development_file
    ),
    ("api:development-candidate-detail", "get"): ApiCase(
        from_ability("development.view"),
        kwargs=lambda w: _development_file_of(w, w.branch_a),
        of_branch=_development_file_of,
    ),
    ("api:development-candidate-steps", "post"): ApiCase(
        from_ability("development.keep", ok=201),
        kwargs=lambda w: _development_file_of(w, w.branch_a),
        data=lambda w: {"kind": "talk", "on": _today()},
    ),
}

# --- ledgerapi: the writes of the meeting and dues pages ------------------------------------


def _resolution_of(world: Any, branch: Any) -> dict[str, int]:
    return {"pk": make_meeting(branch).resolutions.get().pk}


def _absentee_of(world: Any, branch: Any) -> dict[str, int]:
    return {"pk": make_meeting(branch).attendance.get(present=False).pk}


def _a_month(world: Any) -> dict[str, Any]:
    return {"branch": world.branch_a.pk, "month": "2026-10"}


def _a_closed_month(world: Any) -> dict[str, Any]:
    from tests.dues.factories import closed_month

    closed_month(world.branch_a)
    return {**_a_month(world), "reason": "补录漏记的党费"}


ENDPOINTS |= {
    ("api:meeting-resolution-list", "get"): ApiCase(statuses(200, outsider=403)),
    ("api:meeting-resolution-close", "post"): ApiCase(
        from_ability("resolution.close"),
        kwargs=lambda w: _resolution_of(w, w.branch_a),
        data=lambda w: {"note": "已落实"},
        of_branch=_resolution_of,
    ),
    # The record's version as read: a meeting just recorded is at 1.
    ("api:meeting-resolution-detail", "patch"): ApiCase(
        from_ability("resolution.edit"),
        kwargs=lambda w: _resolution_of(w, w.branch_a),
        data=lambda w: {"version": 1, "text": "更正后的决议"},
        of_branch=_resolution_of,
    ),
    ("api:meeting-attendance-makeup", "post"): ApiCase(
        from_ability("meeting.makeup"),
        kwargs=lambda w: _absentee_of(w, w.branch_a),
        data=lambda w: {"on": _today(), "note": "书记带学会议精神"},
        of_branch=_absentee_of,
    ),
    ("api:dues-month-list", "get"): ApiCase(statuses(200, member=403, outsider=403)),
    ("api:dues-month-close", "post"): ApiCase(from_ability("dues.keep"), data=_a_month),
    ("api:dues-month-reopen", "post"): ApiCase(from_ability("dues.reopen"), data=_a_closed_month),
}
