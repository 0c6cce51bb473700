"""核标 assessment plans with a reproducible random sample; 优标 upgrade plans."""

import datetime as dt
import math
import random
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import abilities
from branches.models import Organisation, OrgKind, OrgStatus, User
from branches.selectors import in_subtree

from ..models import (
    AssessmentPlan,
    EntryReason,
    Grade,
    PlanEntry,
    PlanKind,
    Scorecard,
    ScorecardLine,
    ScorecardStatus,
    UpgradeGrading,
    UpgradePlan,
    UpgradeTarget,
)

WEAK_ARTICLES = 3
UPGRADE_GRADES = (Grade.AVERAGE, Grade.POOR)


def draw_sample(population: list[int], *, percent: int, seed: int) -> list[int]:
    """The sampled branch ids: the same population, percentage and seed give the same draw."""
    size = math.ceil(len(population) * percent / 100)
    return sorted(random.Random(seed).sample(population, size))  # noqa: S311 - a reproducible draw, not a secret


@transaction.atomic
def assessment_plan_create(
    *,
    organisation: Organisation,
    year: int,
    quarter: int,
    by: User,
    kind: str = PlanKind.QUARTERLY,
    sample_percent: int = 30,
    seed: int | None = None,
) -> AssessmentPlan:
    abilities.require(by, "plan.create", organisation)
    if not 0 <= sample_percent <= 100:
        raise ValidationError(_("The sample is a percentage from 0 to 100."))
    if AssessmentPlan.objects.filter(organisation=organisation, year=year, quarter=quarter, kind=kind).exists():
        raise ValidationError(_("There is already a plan of this kind for this quarter."))
    branches = list(
        Organisation.objects.filter(in_subtree(organisation), kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE).values_list(
            "pk", "is_key"
        )
    )
    population = sorted(pk for pk, is_key in branches if not is_key)
    plan = AssessmentPlan(
        organisation=organisation,
        year=year,
        quarter=quarter,
        kind=kind,
        sample_percent=sample_percent,
        seed=secrets.randbelow(2**31) if seed is None else seed,
        population=population,
        created_by=by,
    )
    plan.full_clean()
    plan.save()
    if kind == PlanKind.YEAR_END:
        entries = [(pk, EntryReason.YEAR_END) for pk, _key in branches]
    else:
        entries = [(pk, EntryReason.KEY) for pk, is_key in branches if is_key]
        entries += [(pk, EntryReason.SAMPLED) for pk in draw_sample(population, percent=sample_percent, seed=plan.seed)]
    PlanEntry.objects.bulk_create(PlanEntry(plan=plan, branch_id=pk, reason=reason) for pk, reason in entries)
    return plan


def plan_reproduces(plan: AssessmentPlan) -> bool:
    """Draws again from the recorded population and seed and compares with the stored entries."""
    stored = sorted(plan.entries.filter(reason=EntryReason.SAMPLED).values_list("branch_id", flat=True))
    return stored == draw_sample(list(plan.population), percent=plan.sample_percent, seed=plan.seed)


# 好 above 较好 above 一般 above 较差: a plan closes at a grading above its own grade.
GRADE_RANK = {Grade.POOR: 0, Grade.AVERAGE: 1, Grade.FAIRLY_GOOD: 2, Grade.GOOD: 3}


def grade_improved(grade: str, than: str) -> bool:
    return GRADE_RANK.get(grade, -1) > GRADE_RANK.get(than, -1)


def weakest_lines(card: Scorecard, count: int = WEAK_ARTICLES) -> list[ScorecardLine]:
    """短板: the lines with the lowest share of their max score, then by article code.

    The share is computed here, in Decimals: in SQL, ``review_score / max_score`` is an
    integer division on SQLite whenever both scores are whole (5 of 6 would be 0, as weak
    as a line scored 0)."""
    lines = list(card.lines.filter(review_score__lt=F("max_score")).select_related("article"))
    lines.sort(key=lambda line: (Decimal(line.review_score) / Decimal(line.max_score), line.article.code))
    return lines[:count]


def _record_grading(card: Scorecard) -> UpgradePlan | None:
    """Records the card's grading on every plan of the branch still open from an earlier
    quarter; closes those it improves on. Returns a plan that stays open, if any."""
    earlier = Q(scorecard__year__lt=card.year) | Q(scorecard__year=card.year, scorecard__quarter__lt=card.quarter)
    still_open = None
    plans = UpgradePlan.objects.select_for_update().filter(
        earlier, branch=card.branch, closed_by_scorecard__isnull=True
    )
    for plan in plans.order_by("created_at", "pk"):
        improved = grade_improved(card.grade, plan.grade)
        UpgradeGrading.objects.get_or_create(
            plan=plan, scorecard=card, defaults={"grade": card.grade, "score": card.review_total, "improved": improved}
        )
        plan.outcome_grade = card.grade
        if improved:
            plan.closed_by_scorecard = card
        else:
            still_open = plan
        plan.save(update_fields=["outcome_grade", "closed_by_scorecard"])
    return still_open


def upgrade_plan_for(card: Scorecard) -> UpgradePlan | None:
    """Called when a review is final. A plan stays open until the branch is graded better
    than the plan's grade: each grading in between is recorded on it (the outcome so far).
    A grade of 一般 or 较差 with no plan still open opens one on the weakest articles."""
    if card.status != ScorecardStatus.FINAL:
        return None
    still_open = _record_grading(card)
    if card.grade not in UPGRADE_GRADES:
        return None
    if still_open is not None:
        # Not improved: the open plan, its targets and its measures carry on.
        return still_open
    plan, created = UpgradePlan.objects.get_or_create(
        scorecard=card, defaults={"branch": card.branch, "grade": card.grade}
    )
    if created:
        weakest = weakest_lines(card)
        milestone = timezone.localdate() + dt.timedelta(days=60)
        UpgradeTarget.objects.bulk_create(
            UpgradeTarget(
                plan=plan,
                article_code=line.article.code,
                article_title=line.article.title,
                score_then=line.review_score,
                target_score=line.max_score,
                milestone=milestone,
            )
            for line in weakest
        )
    return plan


@transaction.atomic
def upgrade_target_update(
    *, target: UpgradeTarget, by: User, action: str, progress: str, done: bool, target_score: Decimal | None = None
) -> UpgradeTarget:
    """The branch records its measures and progress on one weak article."""
    target = UpgradeTarget.objects.select_for_update().select_related("plan__branch").get(pk=target.pk)
    abilities.require(by, "upgrade.edit", target.plan)
    target.action, target.progress, target.done = action.strip(), progress.strip(), done
    if target_score is not None:
        target.target_score = target_score
    target.full_clean()
    target.save()
    return target
