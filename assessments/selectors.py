"""Reads of scorecards, always starting from what the acting user may see."""

from collections import defaultdict
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from branches import abilities
from branches.models import Organisation, RoleAssignment, User
from branches.selectors import grants_of
from handbook.models import Deduction

from .models import (
    EvidenceFile,
    Finding,
    LineDeduction,
    RectificationItem,
    RectificationStatus,
    Scorecard,
    ScorecardLine,
    ScorecardStatus,
    Side,
)


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
    count) in the article's order — and ``file_list``. Four queries whatever the number of lines.

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
    for rule in Deduction.objects.filter(article_id__in=articles).order_by("article_id", "position", "pk"):
        rules_by_article[rule.article_id].append(rule)
    counts: dict[tuple[int, str, int], int] = {
        (line_id, side, rule_id): count
        for line_id, side, rule_id, count in LineDeduction.objects.filter(line_id__in=pks)
        .order_by()
        .values_list("line_id", "side", "rule_id", "count")
    }
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
    holders = RoleAssignment.objects.filter(role__in=owners, organisation__path__startswith=branch.path).values(
        "user_id"
    )
    return User.objects.filter(pk__in=holders, is_active=True).order_by("full_name", "username")


def get_rectification_for(user: User, pk: int, *, ability: str = "rectification.view") -> RectificationItem:
    items = RectificationItem.objects.select_related(
        "branch", "owner", "finding", "finding__scorecard", "finding__article"
    )
    return abilities.get_for(user, ability, items, pk)


def findings_visible_to(user: User) -> QuerySet[Finding]:
    """Findings of the scorecards the user may see: reviewers and administrators see them as the
    review goes; the branch sees them once the review is final (on its feedback sheet)."""
    if user.is_authenticated and user.is_superuser:
        return Finding.objects.all()
    parts = []
    q_review = abilities.visible(user, "scorecard.read_review", field="scorecard__branch__path")
    if q_review is not None:
        parts.append(q_review)
    q_self = abilities.visible(user, "scorecard.fill", field="scorecard__branch__path")
    if q_self is not None:
        parts.append(q_self & Q(scorecard__status=ScorecardStatus.FINAL))
    if not parts:
        return Finding.objects.none()
    return Finding.objects.filter(reduce(or_, parts))


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
