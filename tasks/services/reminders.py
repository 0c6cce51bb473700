"""党建 日/月/季/半年 工作提醒表: for each active branch and period, what is due in the period
and what is overdue, each line with the article's what / who / when / standard.

Made in two steps, each safe to run twice or twice at once:
1. *make*: the missing sheets are inserted; the unique (branch, kind, period) constraint
   keeps one per period whoever inserts it (INSERT … ON CONFLICT DO NOTHING). Each new sheet
   is put in its branch's notifications at once (one per sheet, by a unique constraint too):
   the branch reads it on the site whether or not the e-mail has gone;
2. *send*: one conditional UPDATE stamps the unsent, unclaimed sheets with this run's claim
   token; only the rows this run stamped are told through the notifications module
   (``notify``, keyed by the sheet, so a sheet is told once), which queues the e-mails and
   group-robot messages as deliveries of their own.
   A claim more than an hour old on a sheet still unsent (its run died) may be taken over.
"""

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branches.models import User
from handbook.models import Article, Frequency
from notifications.events import Event
from notifications.recipients import secretaries_of
from notifications.services import Notice, notify_many

from ..models import Notification, NotificationKind, ReminderSheet, SheetKind, Task, TaskStatus
from ..periods import SCHEDULED_FREQUENCIES, Period, period_key_label, period_of
from .generation import branches_for_tasks, tasks_generate

CHUNK = 500
CLAIM_EXPIRES = dt.timedelta(hours=1)

# Which work each sheet lists: the finer repeating work is on the finer sheets (a monthly
# sheet does not repeat the thirty daily lines; the daily sheet has them). Ad-hoc work
# (no frequency) is on every sheet.
LISTED: dict[str, tuple[str, ...]] = {
    SheetKind.DAILY: SCHEDULED_FREQUENCIES,
    SheetKind.MONTHLY: tuple(f for f in SCHEDULED_FREQUENCIES if f != Frequency.DAILY),
    SheetKind.QUARTERLY: tuple(f for f in SCHEDULED_FREQUENCIES if f not in (Frequency.DAILY, Frequency.WEEKLY)),
    SheetKind.HALF_YEARLY: (Frequency.QUARTERLY, Frequency.HALF_YEARLY, Frequency.YEARLY),
}


@dataclass(frozen=True)
class SendResult:
    created: int
    sent: int


def sheet_period(kind: str, on: dt.date) -> Period:
    return period_of(str(kind), on)


def _lines(branch_ids: list[int], kind: str, on: dt.date, period: Period) -> dict[int, list[dict]]:
    """The lines of each branch's sheet, in two queries (tasks, then their articles)."""
    listed = Q(due_on__lte=period.end)
    if kind == SheetKind.DAILY:
        # Daily work tracked as a weekly checklist is today's work all week long.
        listed |= Q(article__frequency=Frequency.DAILY, period_start__lte=on, period_end__gte=on)
    rows = (
        Task.objects.filter(listed, branch_id__in=branch_ids, status=TaskStatus.OPEN)
        .filter(frequency__in=[*LISTED[kind], ""])
        .values(
            "pk", "branch_id", "article_id", "title", "due_on", "period_key",
            "assignee__full_name", "assignee__username", "request__what", "request__standard",
        )
        .order_by("branch_id", "due_on", "pk")
    )  # fmt: skip
    rows = list(rows)
    article_ids = {row["article_id"] for row in rows if row["article_id"]}
    articles = {
        a["pk"]: a
        for a in Article.objects.filter(pk__in=article_ids).values("pk", "code", "what", "who", "when", "standard")
    }
    by_branch: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        article = articles.get(row["article_id"], {})
        by_branch[row["branch_id"]].append(
            {
                "task": row["pk"],
                "code": article.get("code", ""),
                "title": row["title"],
                "period": row["period_key"],
                "what": article.get("what") or row["request__what"] or "",
                "who": article.get("who", ""),
                "when": article.get("when", ""),
                "standard": article.get("standard") or row["request__standard"] or "",
                "due_on": row["due_on"].isoformat(),
                "assignee": row["assignee__full_name"] or row["assignee__username"] or "",
                "overdue": row["due_on"] < on,
            }
        )
    return by_branch


def reminders_make(*, kind: str, on: dt.date) -> int:
    """Stores the missing sheets of ``kind`` for the period holding ``on``; returns how many
    were new. The period's tasks are generated first, so a sheet is never short of them."""
    period = sheet_period(kind, on)
    tasks_generate(first=period.start, last=period.end, frequencies=LISTED[kind])
    existing = ReminderSheet.objects.filter(kind=kind, period_key=period.key).values("branch_id")
    missing = list(branches_for_tasks().exclude(pk__in=existing).order_by("pk").values_list("pk", flat=True))
    created = 0
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        lines = _lines(chunk, kind, on, period)
        before = ReminderSheet.objects.filter(kind=kind, period_key=period.key).count()
        ReminderSheet.objects.bulk_create(
            [
                ReminderSheet(
                    branch_id=branch_id,
                    kind=kind,
                    period_key=period.key,
                    period_start=period.start,
                    period_end=period.end,
                    lines=lines.get(branch_id, []),
                )
                for branch_id in chunk
            ],
            ignore_conflicts=True,
        )
        created += ReminderSheet.objects.filter(kind=kind, period_key=period.key).count() - before
        _notify(ReminderSheet.objects.filter(kind=kind, period_key=period.key, branch_id__in=chunk))
    return created


def _notify(sheets: QuerySet[ReminderSheet]) -> None:
    """Puts each of ``sheets`` not yet there in its branch's notifications (two queries)."""
    missing = sheets.exclude(pk__in=Notification.objects.filter(sheet__isnull=False).values("sheet_id"))
    Notification.objects.bulk_create(
        (
            Notification(branch_id=branch_id, kind=NotificationKind.SHEET, sheet_id=pk)
            for pk, branch_id in missing.values_list("pk", "branch_id")
        ),
        ignore_conflicts=True,
    )


def _notice(sheet: ReminderSheet, secretaries: list[User]) -> Notice:
    """The sheet as told through the notifications module: its secretaries (in the
    platform, by e-mail, as each chose) and the branch's group robots; once per sheet (its key)."""
    due = sheet.due_lines
    return Notice(
        recipients=secretaries,
        context={
            "kind": _("%(kind)s work reminder sheet") % {"kind": sheet.get_kind_display()},
            "period": period_key_label(sheet.period_key),
            "period_end": f"{sheet.period_end:%Y-%m-%d}",
            "due_count": len(due),
            "overdue_count": len(sheet.overdue_lines),
            "items": [{"title": line["title"], "due_on": line["due_on"]} for line in due[:5]],
            "more": max(0, len(due) - 5),
        },
        organisation=sheet.branch,
        link=reverse("tasks:sheet", args=[sheet.pk]),
        key=f"sheet:{sheet.pk}",
    )


def reminders_claim_and_send(*, kind: str, period_key: str) -> int:
    """Sends every sheet of the period that nobody has claimed yet; returns how many this
    run sent."""
    token = uuid.uuid4().hex
    now = timezone.now()
    # A claim left by a run that died before sending is taken over after CLAIM_EXPIRES.
    ReminderSheet.objects.filter(kind=kind, period_key=period_key, sent_at__isnull=True).filter(
        Q(claim="") | Q(claimed_at__lt=now - CLAIM_EXPIRES)
    ).update(claim=token, claimed_at=now)
    sent = 0
    claimed = ReminderSheet.objects.filter(claim=token).select_related("branch").order_by("pk")
    ids = list(claimed.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        sheets = list(claimed.filter(pk__in=ids[start : start + CHUNK]))
        secretaries = secretaries_of(sheet.branch_id for sheet in sheets)
        now = timezone.now()
        with transaction.atomic():
            # Texts are made in the interface's default language, whatever the caller's.
            with translation.override(settings.LANGUAGE_CODE):
                notify_many(Event.SHEET, [_notice(sheet, secretaries.get(sheet.branch_id, [])) for sheet in sheets])
            for sheet in sheets:
                sheet.sent_at = now
                sheet.recipients = [user.email for user in secretaries.get(sheet.branch_id, []) if user.email]
            ReminderSheet.objects.bulk_update(sheets, ["sent_at", "recipients"])
            # Sheets made before notifications came with the making have theirs now.
            _notify(ReminderSheet.objects.filter(pk__in=[s.pk for s in sheets]))
        sent += len(sheets)
    return sent


def reminders_send(*, kind: str, on: dt.date) -> SendResult:
    """Makes and sends the sheets of ``kind`` for the period holding ``on``."""
    if kind not in SheetKind.values:
        raise ValueError(f"unknown reminder sheet kind {kind!r}")
    created = reminders_make(kind=kind, on=on)
    sent = reminders_claim_and_send(kind=kind, period_key=sheet_period(kind, on).key)
    return SendResult(created=created, sent=sent)
