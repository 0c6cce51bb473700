"""核标 assessment plans with a reproducible random sample; 优标 upgrade plans."""

import datetime as dt
import math
import random
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
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
    ScorecardStatus,
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


def upgrade_plan_for(card: Scorecard) -> UpgradePlan | None:
    """Called when a review is final: closes the branch's open plans (it has been graded again)
    and, for a grade of 一般 or 较差, opens a plan on its weakest articles."""
    UpgradePlan.objects.filter(branch=card.branch, closed_by_scorecard__isnull=True).exclude(scorecard=card).update(
        closed_by_scorecard=card, outcome_grade=card.grade
    )
    if card.grade not in UPGRADE_GRADES or card.status != ScorecardStatus.FINAL:
        return None
    plan, created = UpgradePlan.objects.get_or_create(
        scorecard=card, defaults={"branch": card.branch, "grade": card.grade}
    )
    if created:
        weakest = (
            card.lines.filter(review_score__lt=F("max_score"))
            .select_related("article")
            .order_by(F("review_score") / F("max_score"), "article__code")[:WEAK_ARTICLES]
        )
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
