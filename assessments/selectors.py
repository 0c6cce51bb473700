"""Reads of scorecards, always starting from what the acting user may see."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from branches import abilities
from branches.models import Organisation, OrgKind, OrgStatus, RoleAssignment, User
from branches.selectors import grants_of, in_subtree
from handbook.models import Deduction

from .models import (
    AssessmentPlan,
    CheckRecord,
    Difficulty,
    EvidenceFile,
    Finding,
    LineDeduction,
    PlanEntry,
    PlanKind,
    RectificationItem,
    RectificationStatus,
    Scorecard,
    ScorecardLine,
    ScorecardStatus,
    Side,
)
from .models.checks import CHECK_DONE, CheckState
from .models.scorecards import SELF_EDITABLE

# A plan's branch counts as checked once its card is reviewed (or final).
REVIEW_DONE = (ScorecardStatus.REVIEWED, ScorecardStatus.FINAL)


def scorecards_visible_to(user: User, *, ability: str = "scorecard.view") -> QuerySet[Scorecard]:
    q = abilities.visible(user, ability, field="branch__path")
    if q is None:
        return Scorecard.objects.none()
    return Scorecard.objects.filter(q)


def get_scorecard_for(user: User, pk: int, *, ability: str = "scorecard.view") -> Scorecard:
    """404 when the card's branch is outside everything the user may see; 403 when inside
    it without ``ability``."""
    return abilities.get_for(user, ability, Scorecard.objects.select_related("branch", "edition"), pk)


def may_edit_self(user: User, scorecard: Scorecard) -> bool:
    return abilities.holds(user, "scorecard.fill", scorecard)


def may_review(user: User, scorecard: Scorecard) -> bool:
    return abilities.holds(user, "scorecard.review", scorecard)


def shows_review(user: User, scorecard: Scorecard) -> bool:
    """Whether the user sees the reviewer's scores: the committee always, the branch only
    once the review is final — the scorecard page, its history and the API alike."""
    return abilities.holds(user, "scorecard.see_review", scorecard)


def lines_of(scorecard: Scorecard, *, line_ids: Iterable[int] | None = None) -> list[ScorecardLine]:
    """The lines with their article and part; on each, ``rules`` — (rule, self count, review
    count) in the article's order — and ``file_list``. Three queries whatever the number of lines.

    The rules, counts and files are fetched with one plain query each and joined here rather
    than with ``prefetch_related``, which builds a queryset per line and lookup: on a 52-line
    page that cloning cost more than the queries themselves.
    """
    qs = (
        ScorecardLine.objects.filter(scorecard=scorecard)
        .select_related("article", "article__part", "saved_by")
        .order_by("article__part__number", "article__code")
    )
    if line_ids is not None:
        qs = qs.filter(pk__in=list(line_ids))
    lines = list(qs)
    pks = [line.pk for line in lines]
    rules_by_article: dict[int, list[Deduction]] = defaultdict(list)
    # Explicit orderings: the models' own ("article", "line") would join in the parents' orderings.
    articles = {line.article_id for line in lines}
    # A card has one line per article: a rule's count on the card is its count on that line,
    # read with the rule (one query for the rules and both sides' counts).
    applied = LineDeduction.objects.filter(rule_id=OuterRef("pk"), line__scorecard_id=scorecard.pk).order_by()
    counts: dict[tuple[int, str, int], int] = {}
    by_article = {line.article_id: line.pk for line in lines}
    for rule in (
        Deduction.objects.filter(article_id__in=articles)
        .annotate(
            self_count=Subquery(applied.filter(side=Side.SELF).values("count")[:1]),
            review_count=Subquery(applied.filter(side=Side.REVIEW).values("count")[:1]),
        )
        .order_by("article_id", "position", "pk")
    ):
        rules_by_article[rule.article_id].append(rule)
        line_id = by_article[rule.article_id]
        counts[(line_id, Side.SELF, rule.pk)] = rule.self_count or 0  # type: ignore[attr-defined]
        counts[(line_id, Side.REVIEW, rule.pk)] = rule.review_count or 0  # type: ignore[attr-defined]
    files: dict[int, list[EvidenceFile]] = defaultdict(list)
    for file in EvidenceFile.objects.filter(line_id__in=pks).order_by("uploaded_at", "pk"):
        files[file.line_id].append(file)
    for line in lines:
        line.rules = [  # type: ignore[attr-defined]
            (rule, counts.get((line.pk, Side.SELF, rule.pk), 0), counts.get((line.pk, Side.REVIEW, rule.pk), 0))
            for rule in rules_by_article[line.article_id]
        ]
        line.file_list = files[line.pk]  # type: ignore[attr-defined]
    return lines


def grouped_by_part(lines: list[ScorecardLine]) -> list[tuple[object, list[ScorecardLine]]]:
    groups: dict[int, tuple[object, list[ScorecardLine]]] = {}
    for line in lines:
        groups.setdefault(line.article.part_id, (line.article.part, []))[1].append(line)
    return list(groups.values())


def focus_items(scorecard: Scorecard) -> dict[str, list[RectificationItem]]:
    """重点: the branch's rectification items from earlier quarters still open, by article code."""
    items = RectificationItem.objects.filter(branch=scorecard.branch).exclude(status=RectificationStatus.CLOSED)
    items = items.exclude(finding__scorecard=scorecard).select_related("finding").order_by("deadline")
    by_code: dict[str, list[RectificationItem]] = defaultdict(list)
    for item in items:
        by_code[item.article_code].append(item)
    return dict(by_code)


def branches_for_scorecards(user: User) -> QuerySet[Organisation]:
    """Branches whose scorecards the user may open."""
    return abilities.units_for(user, "scorecard.view").filter(kind="branch")


def rectification_items_visible_to(user: User) -> QuerySet[RectificationItem]:
    q = abilities.visible(user, "rectification.view", field="branch__path")
    if q is None:
        return RectificationItem.objects.none()
    return RectificationItem.objects.filter(q)


def owner_candidates(branch: Organisation) -> QuerySet[User]:
    """Who may own a branch's rectification item: active users holding a secretary or member
    role on the branch or on a unit below it (a 党小组)."""
    owners = abilities.holders_of("rectification.own")
    holders = RoleAssignment.objects.filter(in_subtree(branch, via="organisation__path"), role__in=owners).values(
        "user_id"
    )
    return User.objects.filter(pk__in=holders, is_active=True).order_by("full_name", "username")


def get_rectification_for(user: User, pk: int, *, ability: str = "rectification.view") -> RectificationItem:
    items = RectificationItem.objects.select_related(
        "branch", "owner", "finding", "finding__scorecard", "finding__article"
    )
    return abilities.get_for(user, ability, items, pk)


def _seen_as_the_review_goes(user: User, rows: QuerySet) -> QuerySet:
    """Rows hanging on a scorecard (``scorecard__…``) the user may see: the committee's
    reviewers and administrators as the review goes, the branch once the review is final."""
    if user.is_authenticated and user.is_superuser:
        return rows
    parts = []
    q_review = abilities.visible(user, "scorecard.read_review", field="scorecard__branch__path")
    if q_review is not None:
        parts.append(q_review)
    q_self = abilities.visible(user, "scorecard.fill", field="scorecard__branch__path")
    if q_self is not None:
        parts.append(q_self & Q(scorecard__status=ScorecardStatus.FINAL))
    if not parts:
        return rows.none()
    return rows.filter(reduce(or_, parts))


def findings_visible_to(user: User) -> QuerySet[Finding]:
    """Findings of the scorecards the user may see: reviewers and administrators see them as the
    review goes; the branch sees them once the review is final (on its feedback sheet)."""
    return _seen_as_the_review_goes(user, Finding.objects.all())


def get_finding_for(user: User, pk: int, *, ability: str = "finding.view") -> Finding:
    """404 when the finding's branch is outside everything the user may see; 403 when inside it
    without ``ability``, or for the branch while the review is not final."""
    findings = Finding.objects.select_related("scorecard", "scorecard__branch", "article", "rectification")
    finding = abilities.get_for(user, ability, findings, pk, via="scorecard__branch__path")
    if not findings_visible_to(user).filter(pk=pk).exists():
        raise PermissionDenied
    return finding


def top_units(user: User, *, ability: str = "scorecard.view") -> list[Organisation]:
    """The highest units where the user holds ``ability``: every unit they may see with it
    is in exactly one of these subtrees."""
    if user.is_authenticated and user.is_superuser:
        return list(Organisation.objects.filter(parent__isnull=True).order_by("code"))
    roles = abilities.holders_of(ability)
    paths = sorted({g.path for g in grants_of(user) if g.role in roles}, key=len)
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return list(Organisation.objects.filter(path__in=kept).order_by("path"))


# --- what is waiting, for the workbench and the lists it links to --------------------------


def lines_done(cards: Iterable[Scorecard]) -> dict[int, int]:
    """How many lines of each card the branch has saved at least once (a line's ``saved_at``,
    set by the branch's own saves): what "N of 52 done" counts, one query for all cards."""
    ids = [card.pk for card in cards]
    rows = (
        ScorecardLine.objects.filter(scorecard_id__in=ids, saved_at__isnull=False)
        .values("scorecard_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["scorecard_id"]: row["n"] for row in rows}


def lines_done_of(lines: Iterable[ScorecardLine]) -> int:
    """``lines_done`` for one card whose lines are already loaded (no query)."""
    return sum(1 for line in lines if line.saved_at is not None)


def rectification_to_work_off(user: User) -> QuerySet[RectificationItem]:
    """Open items that are the user's to work off: every open item of a branch where they
    report rectification (its secretary), and the open items they own elsewhere."""
    mine = Q(owner=user)
    q = abilities.visible(user, "rectification.report", field="branch__path")
    if q is not None:
        mine |= q
    return RectificationItem.objects.filter(mine, status=RectificationStatus.OPEN)


def rectification_to_verify(user: User) -> QuerySet[RectificationItem]:
    """Items reported done that the user may verify."""
    q = abilities.visible(user, "rectification.verify", field="branch__path")
    if q is None:
        return RectificationItem.objects.none()
    return RectificationItem.objects.filter(q, status=RectificationStatus.DONE)


def feedback_to_acknowledge(user: User) -> QuerySet[Scorecard]:
    """Final cards of the user's branches whose feedback sheet is made and not yet acknowledged."""
    q = abilities.visible(user, "scorecard.fill", field="branch__path")
    if q is None:
        return Scorecard.objects.none()
    return Scorecard.objects.filter(q, status=ScorecardStatus.FINAL, acknowledged_at__isnull=True).exclude(
        feedback_pdf=""
    )


def awaiting_review(user: User) -> QuerySet[Scorecard]:
    """Submitted cards the user may review, oldest submission first (the queue)."""
    q = abilities.visible(user, "scorecard.review", field="branch__path")
    if q is None:
        return Scorecard.objects.none()
    return Scorecard.objects.filter(q, status=ScorecardStatus.SUBMITTED).order_by("submitted_at", "pk")


def quarter_past_deadline(today: dt.date) -> tuple[int, int]:
    """The latest quarter whose default deadline is behind ``today``: the one a branch can be
    late with (this quarter's deadline falls in the next one)."""
    from .services.scorecards import current_quarter, default_deadline

    year, quarter = current_quarter(today)
    while default_deadline(year, quarter) >= today:
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return year, quarter


def late_branches(user: User, *, year: int, quarter: int, today: dt.date) -> QuerySet[Organisation]:
    """Active branches (in the user's review scope) whose card of the quarter is not in — never
    opened, a draft, or returned and not sent again — when its deadline (the card's own, or the
    default when none is opened) has passed."""
    from .services.scorecards import default_deadline

    q = abilities.visible(user, "scorecard.review")
    if q is None:
        return Organisation.objects.none()
    cards = Scorecard.objects.filter(branch=OuterRef("pk"), year=year, quarter=quarter)
    not_submitted = cards.filter(status__in=SELF_EDITABLE, deadline__lt=today)
    branches = Organisation.objects.filter(q, kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE)
    late = Exists(not_submitted)
    if default_deadline(year, quarter) < today:
        late |= ~Exists(cards)
    return branches.filter(late).order_by("path")


def plans_in_progress(user: User, *, year: int, quarter: int) -> QuerySet[AssessmentPlan]:
    """The quarter's assessment plans of the user's units, each with ``planned`` (branches to
    check) and ``done`` (of those, reviewed or final; for the year-end check, scored) — what the
    plan page counts."""
    units = abilities.units_for(user, "plan.create").values("pk")
    checked = Scorecard.objects.filter(
        branch=OuterRef("branch_id"),
        year=OuterRef("plan__year"),
        quarter=OuterRef("plan__quarter"),
        status__in=REVIEW_DONE,
    )
    # The year-end check is done once its record has its own score (check_state).
    scored = CheckRecord.objects.filter(
        scorecard__branch=OuterRef("branch_id"),
        scorecard__year=OuterRef("plan__year"),
        scorecard__quarter=OuterRef("plan__quarter"),
        kind=PlanKind.YEAR_END,
        year_end_score__isnull=False,
    )
    done_entries = PlanEntry.objects.filter(plan=OuterRef("pk")).filter(
        (Q(plan__kind=PlanKind.QUARTERLY) & Exists(checked)) | (Q(plan__kind=PlanKind.YEAR_END) & Exists(scored))
    )
    return (
        AssessmentPlan.objects.filter(organisation__in=units, year=year, quarter=quarter)
        .select_related("organisation")
        .annotate(
            planned=Count("entries", distinct=True),
            done=Coalesce(Subquery(done_entries.order_by().values("plan").annotate(n=Count("pk")).values("n")[:1]), 0),
        )
        .order_by("organisation__path", "kind")
    )


# --- 核标 check records, plans driving checks, difficulties -----------------------------------


def check_team_candidates(branch: Organisation) -> QuerySet[User]:
    """Who may sit on the team checking ``branch``: active users who may review it (a reviewer
    role on the branch or on a unit above it)."""
    above = [int(pk) for pk in branch.path.strip("/").split("/") if pk]
    holders = RoleAssignment.objects.filter(
        organisation_id__in=above, role__in=abilities.holders_of("scorecard.review")
    ).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True).order_by("full_name", "username")


def plan_entry_for(scorecard: Scorecard, kind: str) -> PlanEntry | None:
    """The entry of a plan of ``kind`` for the card's quarter that names the card's branch: the
    check it carries out. None: the branch is checked outside any plan (计划外)."""
    return (
        PlanEntry.objects.filter(
            branch_id=scorecard.branch_id, plan__kind=kind, plan__year=scorecard.year, plan__quarter=scorecard.quarter
        )
        .select_related("plan")
        .order_by("pk")
        .first()
    )


def check_state(plan: AssessmentPlan, card: Scorecard | None, record: CheckRecord | None) -> str:
    """Where a plan entry's check stands (CheckState). A quarter's check is done once the card is
    reviewed; the year-end check once its record has its own score."""
    if plan.kind == PlanKind.YEAR_END:
        if record is None:
            return CheckState.NOT_STARTED
        if record.year_end_score is None:
            return CheckState.IN_PROGRESS
        return CheckState.FINAL if card is not None and card.is_final else CheckState.REVIEWED
    if card is not None and card.status == ScorecardStatus.FINAL:
        return CheckState.FINAL
    if card is not None and card.status == ScorecardStatus.REVIEWED:
        return CheckState.REVIEWED
    return CheckState.IN_PROGRESS if record is not None else CheckState.NOT_STARTED


def plan_rows(plan: AssessmentPlan) -> list[dict]:
    """The plan's entries, each with its card, its check record and its CheckState: three queries."""
    entries = list(plan.entries.select_related("branch"))
    cards = {
        c.branch_id: c
        for c in Scorecard.objects.filter(
            branch__in=[e.branch_id for e in entries], year=plan.year, quarter=plan.quarter
        )
    }
    records = {
        r.scorecard_id: r
        for r in CheckRecord.objects.filter(scorecard__in=[c.pk for c in cards.values()], kind=plan.kind)
    }
    rows = []
    for entry in entries:
        card = cards.get(entry.branch_id)
        record = records.get(card.pk) if card is not None else None
        state = check_state(plan, card, record)
        rows.append(
            {
                "entry": entry,
                "card": card,
                "record": record,
                "state": state,
                "state_label": CheckState(state).label,
                "done": state in CHECK_DONE,
            }
        )
    return rows


def difficulties_visible_to(user: User) -> QuerySet[Difficulty]:
    q = abilities.visible(user, "difficulty.view", field="record__scorecard__branch__path")
    if q is None:
        return Difficulty.objects.none()
    return Difficulty.objects.filter(q)


def open_difficulties(user: User) -> QuerySet[Difficulty]:
    """困难和问题 still waiting for the committee's answer, in the units where the user answers."""
    q = abilities.visible(user, "difficulty.answer", field="record__scorecard__branch__path")
    if q is None:
        return Difficulty.objects.none()
    return (
        Difficulty.objects.filter(q, answered_at__isnull=True)
        .select_related("record__scorecard__branch")
        .order_by("created_at", "pk")
    )


def check_records_visible_to(user: User) -> QuerySet[CheckRecord]:
    """Check records of the cards the user may see: the committee as the check goes, the branch
    once the review is final."""
    return _seen_as_the_review_goes(user, CheckRecord.objects.all())


def get_check_record_for(user: User, pk: int, *, ability: str = "check.view") -> CheckRecord:
    """404 outside the user's scope; 403 inside it without ``ability``."""
    records = CheckRecord.objects.select_related("scorecard", "scorecard__branch", "leader", "plan_entry__plan")
    return abilities.get_for(user, ability, records, pk, via="scorecard__branch__path")


def checked_outside(plan: AssessmentPlan) -> QuerySet[Scorecard]:
    """Cards of the plan's quarter in its unit that were reviewed (or have a check record of the
    plan's kind) although the plan does not name their branch: checks outside the plan (计划外)."""
    planned = plan.entries.values("branch_id")
    recorded = CheckRecord.objects.filter(scorecard=OuterRef("pk"), kind=plan.kind)
    return (
        Scorecard.objects.filter(
            in_subtree(plan.organisation, via="branch__path"), year=plan.year, quarter=plan.quarter
        )
        .exclude(branch_id__in=planned)
        .filter(Q(status__in=REVIEW_DONE) | Exists(recorded))
        .select_related("branch")
        .order_by("branch__code")
    )
