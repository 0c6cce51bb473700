"""The tasks app's URLs in the role × URL table (see tests/url_table.py).

Rows guarded by an ability take their statuses from its row in tasks/permissions.py
(``from_ability``); a branch's evidence is seen as its board is: administrators, reviewers and
the branch's secretary (a plain member of the branch gets 403, another branch's secretary 404)."""

import datetime as dt

from django.core.files.base import ContentFile

from handbook.models import Edition
from tasks.models import Evidence, ReminderSheet, Task, TaskStatus
from tests.factories import make_edition, make_task
from tests.url_table import Case, from_ability, statuses

BOARD_OF_A = statuses(200, secretary_b=404, outsider=404, member=403)


def _edition() -> Edition:
    return Edition.objects.filter(version="T1").first() or make_edition(version="T1")


def _task(world: object, **fields: object) -> Task:
    article = _edition().articles.filter(frequency="monthly").first()
    return make_task(world.branch_a, article, due_on=dt.date(2026, 11, 25), **fields)  # type: ignore[attr-defined]


def task_in_a(world: object) -> dict[str, int]:
    return {"pk": _task(world).pk}


def done_in_a(world: object) -> dict[str, int]:
    return {"pk": _task(world, status=TaskStatus.DONE).pk}


def supervised_in_a(world: object) -> dict[str, int]:
    return {"pk": _task(world, supervised=True).pk}


def evidence_in_a(world: object) -> dict[str, int]:
    evidence = Evidence(task=_task(world), original_name="记录.pdf", content_type="application/pdf", size=6)
    evidence.file.save("a.pdf", ContentFile(b"%PDF-1"), save=False)
    evidence.save()
    return {"pk": evidence.pk}


def sheet_of_a(world: object) -> dict[str, int]:
    sheet = ReminderSheet.objects.create(
        branch=world.branch_a,  # type: ignore[attr-defined]
        kind="monthly",
        period_key="2026-11",
        period_start=dt.date(2026, 11, 1),
        period_end=dt.date(2026, 11, 30),
        lines=[
            {
                "task": 1,
                "code": "1-01",
                "title": "“三会一课”",
                "period": "2026-11",
                "what": "=召开支委会",
                "who": "支部书记",
                "when": "每月",
                "standard": "记录齐全",
                "due_on": "2026-11-25",
                "assignee": "",
                "overdue": False,
            }
        ],
    )
    return {"pk": sheet.pk}


URLS = {
    "tasks:home": Case(statuses(200)),
    "tasks:overview": Case(from_ability("tasks.overview")),
    "tasks:board": Case(from_ability("board.view"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "tasks:complete_many": Case(from_ability("work.complete_many"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "tasks:notifications": Case(from_ability("board.view"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    # Sent from the committee: those without a role on it do not see it at all.
    "tasks:request_create": Case(from_ability("requirement.send"), kwargs=lambda w: {"pk": w.committee.pk}),
    "tasks:detail": Case(from_ability("task.view"), kwargs=task_in_a),
    "tasks:complete": Case(from_ability("task.complete"), kwargs=task_in_a),
    "tasks:assign": Case(from_ability("task.assign"), kwargs=task_in_a),
    "tasks:cancel": Case(from_ability("task.cancel"), kwargs=task_in_a),
    "tasks:check": Case(from_ability("task.check"), kwargs=done_in_a),
    "tasks:supervise": Case(from_ability("task.supervise"), kwargs=task_in_a),
    "tasks:comment": Case(from_ability("task.comment"), kwargs=supervised_in_a),
    "tasks:reply": Case(from_ability("task.reply"), kwargs=supervised_in_a),
    "tasks:release": Case(from_ability("task.release", ok=302), kwargs=supervised_in_a, method="post"),
    "tasks:evidence": Case(BOARD_OF_A, kwargs=evidence_in_a),
    "tasks:sheet": Case(from_ability("sheet.view"), kwargs=sheet_of_a),
    "tasks:sheet_pdf": Case(from_ability("sheet.view"), kwargs=sheet_of_a),
    "tasks:sheet_xlsx": Case(from_ability("sheet.view"), kwargs=sheet_of_a),
}
