"""工作台: the home page after sign-in, answering "what must I do now" for each role.

One section per kind of work the user holds an ability for — the branch's work (secretary,
officers, members: each their own part), the committee's review (reviewer), the platform's
upkeep (administrator) — a user with several roles sees each that applies. Every item counts
rows with the selector the page it links to lists them with, so the two never disagree, and
each section reads a fixed number of queries whatever the number of tasks, cards and branches.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments import selectors as assessments
from assessments.desk import quarter_label
from assessments.models import Scorecard
from assessments.services.scorecards import current_quarter, default_deadline
from development import selectors as development
from dues import selectors as dues
from handbook.models import ChangeProposal, Edition, EditionStatus, ProposalStatus
from meetings import selectors as meetings
from members.models import RUNNING_IMPORT_STATUSES, ImportStatus, MemberImport
from tasks import selectors as tasks
from tasks.models import ReminderSheet
from tasks.periods import period_key_label

from . import abilities
from .models import Organisation, OrgKind, OrgStatus, RoleAssignment, User

ROWS = 5  # rows shown under an item; its count is of all of them
QUEUE_ROWS = 30  # the reviewer's queue is worked down in order: more of it is shown
FAILED_IMPORTS_SINCE = dt.timedelta(days=30)


@dataclass
class Row:
    text: str
    url: str
    note: str = ""
    late: bool = False


@dataclass
class Item:
    """One thing to do: how many, where they are listed (``url``), the first few rows."""

    key: str
    label: str
    count: int
    url: str = ""
    rows: list[Row] = field(default_factory=list)
    empty: str = ""
    urgent: bool = False

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.rows))


@dataclass
class Section:
    key: str
    title: str
    items: list[Item]


def _q(url_name: str, *args: object, **query: object) -> str:
    url = reverse(url_name, args=args)
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def _task_row(task, today: dt.date) -> Row:
    code = f"{task.article.code} " if task.article_id else ""
    return Row(
        text=f"{code}{task.title}",
        url=reverse("tasks:detail", args=[task.pk]),
        note=f"{task.branch.name} · {_('due on')} {_date(task.due_on)}",
        late=task.due_on is not None and task.due_on < today,
    )


# --- the branch's work: secretary, officers and members ------------------------------------


def _work(user: User, today: dt.date) -> Section | None:
    if not (abilities.can(user, "task.take") or abilities.can(user, "work.unassigned")):
        return None
    items: list[Item] = []
    mine = tasks.my_work(user)
    end = tasks.week_end(today)
    counts = mine.order_by().aggregate(
        week=Count("pk", filter=Q(due_on__range=(today, end))), overdue=Count("pk", filter=Q(due_on__lt=today))
    )
    overdue_rows = [_task_row(t, today) for t in tasks.work_in_view(mine, "overdue", today=today)[:ROWS]]
    week_rows = [_task_row(t, today) for t in tasks.work_in_view(mine, "week", today=today)[:ROWS]]
    items.append(
        Item(
            "overdue",
            _("Overdue work"),
            counts["overdue"],
            _q("tasks:home", show="overdue"),
            overdue_rows,
            _("Nothing of yours is overdue."),
            urgent=True,
        )
    )
    items.append(
        Item(
            "week",
            _("Due this week"),
            counts["week"],
            _q("tasks:home", show="week"),
            week_rows,
            _("Nothing of yours is due this week."),
        )
    )
    if abilities.can(user, "scorecard.fill"):
        items.append(_scorecards(user, today))
    todo = assessments.rectification_to_work_off(user)
    rect = todo.order_by().aggregate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=today)))
    items.append(
        Item(
            "rectification",
            _("Rectification items to work off"),
            rect["n"],
            _q("assessments:rectification_list", todo=1),
            empty=_("No rectification item is open."),
        )
    )
    items.append(
        Item(
            "rectification_overdue",
            _("Rectification items past their deadline"),
            rect["late"],
            _q("assessments:rectification_list", todo=1, overdue=1),
            empty=_("No rectification item is past its deadline."),
            urgent=True,
        )
    )
    if abilities.can(user, "scorecard.fill"):
        feedback = assessments.feedback_to_acknowledge(user).select_related("branch").order_by("-year", "-quarter")
        items.append(
            Item(
                "feedback",
                _("Feedback sheets to acknowledge"),
                feedback.count(),
                rows=[
                    Row(f"{card.branch.name} · {card.period}", reverse("assessments:scorecard", args=[card.pk]))
                    for card in feedback[:ROWS]
                ],
                empty=_("No feedback sheet waits for you."),
            )
        )
    if abilities.can(user, "meeting.list"):
        items.append(_resolutions(user, today))
    supervised = tasks.supervision_awaiting_reply(user)
    items.append(
        Item(
            "supervision",
            _("Supervision awaiting your reply"),
            supervised.count(),
            rows=[_task_row(t, today) for t in supervised[:ROWS]],
            empty=_("No supervision comment waits for a reply."),
            urgent=True,
        )
    )
    if abilities.can(user, "sheet.receive"):
        items.append(_sheets(user))
    return Section("work", _("My branch work"), items)


def _scorecards(user: User, today: dt.date) -> Item:
    """The quarter's card of each branch the user fills in: its state, deadline, lines done."""
    year, quarter = current_quarter(today)
    branches = list(
        abilities.units_for(user, "scorecard.fill").filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE)[:20]
    )
    cards = {
        card.branch_id: card
        for card in Scorecard.objects.filter(branch__in=branches, year=year, quarter=quarter).annotate(
            lines_total=Count("lines")
        )
    }
    done = assessments.lines_done(cards.values())
    rows = []
    for branch in sorted(branches, key=lambda b: b.code):
        card = cards.get(branch.pk)
        if card is None:
            deadline = default_deadline(year, quarter)
            rows.append(
                Row(
                    f"{branch.name} · {quarter_label(year, quarter)}",
                    reverse("assessments:branch", args=[branch.pk]),
                    _("Not started · deadline %(deadline)s") % {"deadline": _date(deadline)},
                    late=deadline < today,
                )
            )
            continue
        rows.append(
            Row(
                f"{branch.name} · {card.period}",
                reverse("assessments:scorecard", args=[card.pk]),
                _("%(status)s · deadline %(deadline)s · %(done)d of %(total)d lines filled in")
                % {
                    "status": card.get_status_display(),
                    "deadline": _date(card.deadline),
                    "done": done.get(card.pk, 0),
                    "total": card.lines_total,
                },
                late=card.self_editable and card.deadline < today,
            )
        )
    return Item(
        "scorecard",
        _("This quarter's scorecard"),
        len(rows),
        rows=rows,
        empty=_("No branch of yours has a scorecard to fill in."),
    )


def _sheets(user: User) -> Item:
    q = abilities.visible(user, "sheet.receive", field="branch__path")
    sheets = [] if q is None else list(ReminderSheet.objects.filter(q).select_related("branch").order_by(
        "-created_at", "-pk"
    )[:ROWS])  # fmt: skip
    rows = [
        Row(
            f"{sheet.get_kind_display()} · {period_key_label(sheet.period_key)}",
            reverse("tasks:sheet", args=[sheet.pk]),
            _("%(branch)s · %(due)d due, %(overdue)d overdue")
            % {"branch": sheet.branch.name, "due": len(sheet.due_lines), "overdue": len(sheet.overdue_lines)},
        )
        for sheet in sheets
    ]
    return Item("sheets", _("Latest reminder sheets"), len(rows), rows=rows, empty=_("No reminder sheet yet."))


# --- the meetings' resolutions, an item of the branch's work ---------------------------------


def _resolutions(user: User, today: dt.date) -> Item:
    """决议事项: the open resolutions the user answers for, closed one by one on their list."""
    open_rows = meetings.open_resolutions_for(user)
    rows = [
        Row(
            r.text,
            reverse("meetings:detail", args=[r.meeting_id]),
            f"{r.meeting.branch.name} · {r.owner_name or '—'} · {_('due on')} {_date(r.due_on)}",
            late=r.due_on is not None and r.due_on < today,
        )
        for r in open_rows[:ROWS]
    ]
    return Item(
        "resolutions",
        _("Open resolutions of meetings"),
        open_rows.count(),
        reverse("meetings:resolutions"),
        rows,
        _("No resolution is open."),
    )


# --- the committee's review ---------------------------------------------------------------


def _review(user: User, today: dt.date) -> Section | None:
    if not abilities.can(user, "scorecard.review"):
        return None
    queue = assessments.awaiting_review(user).select_related("branch")
    counts = queue.order_by().aggregate(n=Count("pk"), again=Count("pk", filter=Q(times_returned__gt=0)))

    def card_row(card: Scorecard) -> Row:
        return Row(
            f"{card.branch.name} · {card.period}",
            reverse("assessments:review", args=[card.pk]),
            _("submitted %(at)s") % {"at": timezone.localtime(card.submitted_at).strftime("%Y-%m-%d %H:%M")}
            if card.submitted_at
            else "",
            late=card.is_late,
        )

    items = [
        Item(
            "queue",
            _("Scorecards waiting for review, oldest first"),
            counts["n"],
            rows=[card_row(card) for card in queue[:QUEUE_ROWS]],
            empty=_("No scorecard waits for review."),
        ),
        Item(
            "resubmitted",
            _("Returned and submitted again"),
            counts["again"],
            rows=[card_row(card) for card in queue.filter(times_returned__gt=0)[:ROWS]],
            empty=_("No returned scorecard has come back yet."),
        ),
    ]
    verify = assessments.rectification_to_verify(user)
    items.append(
        Item(
            "verify",
            _("Rectification reports to verify"),
            verify.count(),
            _q("assessments:rectification_list", verify=1),
            empty=_("No rectification report waits for verification."),
        )
    )
    year, quarter = assessments.quarter_past_deadline(today)
    late = assessments.late_branches(user, year=year, quarter=quarter, today=today)
    items.append(
        Item(
            "late",
            _("Branches late with the %(period)s scorecard") % {"period": quarter_label(year, quarter)},
            late.count(),
            _q("assessments:index", quarter=f"{year}Q{quarter}", late=1),
            [Row(b.name, reverse("assessments:branch", args=[b.pk])) for b in late[:ROWS]],
            _("No branch is late."),
            urgent=True,
        )
    )
    year, quarter = current_quarter(today)
    plans = list(assessments.plans_in_progress(user, year=year, quarter=quarter)[:ROWS])
    items.append(
        Item(
            "plans",
            _("This quarter's assessment plans"),
            len(plans),
            rows=[
                Row(
                    f"{plan.organisation.name} · {plan.get_kind_display()}",
                    reverse("assessments:plan", args=[plan.pk]),
                    _("%(done)d of %(planned)d reviewed") % {"done": plan.done, "planned": plan.planned},
                )
                for plan in plans
            ],
            empty=_("No assessment plan for this quarter yet."),
        )
    )
    return Section("review", _("Review"), items)


# --- the platform's upkeep ----------------------------------------------------------------


def _administration(user: User, today: dt.date) -> Section | None:
    if not abilities.can(user, "organisation.administer"):
        return None
    items: list[Item] = []
    q = abilities.visible(user, "organisation.administer", field="organisation__path")
    since = timezone.now() - FAILED_IMPORTS_SINCE
    imports = (
        MemberImport.objects.filter(q)
        .filter(Q(status__in=RUNNING_IMPORT_STATUSES) | Q(status=ImportStatus.FAILED, created_at__gte=since))
        .select_related("organisation")
        .order_by("-created_at", "-pk")
    )
    items.append(
        Item(
            "imports",
            _("Roster imports running or failed"),
            imports.count(),
            rows=[
                Row(
                    imp.original_name,
                    reverse("members:import_detail", args=[imp.pk]),
                    f"{imp.organisation.name} · {imp.get_status_display()}",
                    late=imp.status == ImportStatus.FAILED,
                )
                for imp in imports[:ROWS]
            ],
            empty=_("No import is running and none failed lately."),
        )
    )
    answering = abilities.held_outright("organisation.answer_for")
    secretaries = RoleAssignment.objects.filter(answering, organisation=OuterRef("pk"))
    orphans = (
        abilities.units_for(user, "organisation.administer")
        .filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE)
        .exclude(Exists(secretaries))
        .order_by("path")
    )
    items.append(
        Item(
            "no_secretary",
            _("Active branches without a secretary"),
            orphans.count(),
            rows=[Row(b.name, reverse("branches:roles", args=[b.pk])) for b in orphans[:ROWS]],
            empty=_("Every active branch has a secretary."),
            urgent=True,
        )
    )
    if abilities.can(user, "users.unplaced"):
        unplaced = User.objects.filter(is_active=True, is_superuser=False, role_assignments__isnull=True).order_by(
            "username"
        )
        root = Organisation.objects.filter(abilities.visible(user, "users.unplaced"), parent__isnull=True).first()
        grant = reverse("branches:roles", args=[root.pk]) if root else ""
        items.append(
            Item(
                "unplaced",
                _("Users without a role"),
                unplaced.count(),
                rows=[Row(str(u), grant, u.username) for u in unplaced[:ROWS]],
                empty=_("Every user holds a role."),
            )
        )
    if abilities.can(user, "handbook.edit"):
        items.append(
            Item(
                "proposals",
                _("Handbook change proposals to decide"),
                ChangeProposal.objects.filter(status=ProposalStatus.OPEN).count(),
                _q("handbook:proposals", status=ProposalStatus.OPEN),
                empty=_("No proposal waits for a decision."),
            )
        )
        drafts = Edition.objects.filter(status=EditionStatus.DRAFT).order_by("-pk")
        items.append(
            Item(
                "drafts",
                _("Handbook drafts not yet published"),
                drafts.count(),
                rows=[Row(f"{e.version} · {e.title}", reverse("handbook:edition", args=[e.pk])) for e in drafts[:ROWS]],
                empty=_("No draft edition."),
            )
        )
    return Section("admin", _("Administration"), items)


# --- the party dues ledger: its keepers and readers ------------------------------------------


def _owed(months: int) -> str:
    return ngettext("%(counter)s month owed", "%(counter)s months owed", months) % {"counter": months}


def _dues(user: User, today: dt.date) -> Section | None:
    if not abilities.can(user, "dues.view"):
        return None
    owing = dues.arrears_members(user, today=today)
    ledgers = dues.kept_branches(user)
    month = dues.first_of(today)
    items = [
        Item(
            "dues_arrears",
            _("Members three months or more in arrears with their dues"),
            owing.count(),
            reverse("dues:arrears"),
            [
                Row(m.name, reverse("dues:member", args=[m.pk]), f"{m.branch.name} · {_owed(m.months_owed)}", late=True)
                for m in owing[:ROWS]
            ],
            _("No member is in arrears."),
            urgent=True,
        ),
        Item(
            "dues_ledgers",
            _("Dues ledgers of this month"),
            ledgers.count(),
            reverse("dues:branches"),
            [Row(b.name, reverse("dues:month", args=[b.pk, month.year, month.month])) for b in ledgers[:ROWS]],
            _("No branch's dues ledger."),
        ),
    ]
    return Section("dues", _("Party dues"), items)


# --- member development: the deadlines of the files the user keeps ----------------------------


def _development(user: User, today: dt.date) -> Section | None:
    if not abilities.can(user, "development.keep"):
        return None
    rows = development.upcoming_deadlines(user, today=today)
    item = Item(
        "development_deadlines",
        _("Development deadlines in the next %(days)d days") % {"days": development.UPCOMING_DAYS},
        len(rows),
        reverse("development:index"),
        [
            Row(
                f"{row.candidate.name} · {row.step.label}",
                reverse("development:detail", args=[row.candidate.pk]),
                f"{row.candidate.branch.name} · {_('due on')} {_date(row.due_on)}",
                late=row.due_on < today,
            )
            for row in rows[:ROWS]
        ],
        _("No development deadline is near."),
        urgent=any(row.due_on < today for row in rows),
    )
    return Section("development", _("Member development"), [item])


def workbench_for(user: User, *, today: dt.date | None = None) -> list[Section]:
    """The sections of the user's workbench, in the order a day's work takes them."""
    today = today or timezone.localdate()
    sections = (
        _work(user, today),
        _dues(user, today),
        _development(user, today),
        _review(user, today),
        _administration(user, today),
    )
    return [section for section in sections if section is not None]
