"""Reads of the development files, scoped by the ability tables: the readers of a unit see
its subtree's files; nobody else sees any. Where a file stands — its next step, the date that
step is due or may be taken from — is worked out here, once, for the pages, the API, the
workbench and the reminders."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from branches import abilities
from branches.models import Organisation, User
from branches.selectors import in_subtree
from members.models import ON_ROLL_STATUSES, Category, Member

from .models import Candidate, Step, probation_ends_on
from .stages import (
    ACTIVIST_YEARS,
    ASSESSED_IN,
    ORDER,
    STAGE_OF,
    Stage,
    StepKind,
    add_months,
    assessment_due_on,
)

UPCOMING_DAYS = 30  # the workbench shows deadlines this close, and those past


@dataclass(frozen=True)
class NextStep:
    kind: str
    label: str
    # A deadline (the talk within a month, the end of probation) …
    due_on: dt.date | None = None
    # … or the first day the step may be taken (a year as an activist, after the notice).
    not_before: dt.date | None = None


def with_steps(candidates: QuerySet[Candidate]) -> QuerySet[Candidate]:
    return candidates.select_related("branch", "member").prefetch_related(
        Prefetch("steps", queryset=Step.objects.order_by("on", "pk"))
    )


def candidates_visible_to(user: User) -> QuerySet[Candidate]:
    q = abilities.visible(user, "development.view", field="branch__path")
    return Candidate.objects.none() if q is None else Candidate.objects.filter(q)


def candidates_of(user: User, unit: Organisation, *, stage: str = "") -> QuerySet[Candidate]:
    """A unit's (and its subtree's) files the user may read, oldest application first."""
    rows = candidates_visible_to(user).filter(in_subtree(unit, via="branch__path"))
    if stage:
        rows = rows.filter(stage=stage)
    return with_steps(rows).order_by("applied_on", "pk")


def get_candidate_for(user: User, pk: object) -> Candidate:
    """One file: 404 outside the user's scope, 403 inside it without ``development.view``."""
    return abilities.get_for(user, "development.view", with_steps(Candidate.objects.all()), pk)


def roster_of(branch: Organisation) -> QuerySet[Member]:
    """The branch's active members, from whom its 培养联系人 are named."""
    return Member.objects.filter(branch=branch, status__in=ON_ROLL_STATUSES).order_by("name", "pk")


def full_members_of(branch: Organisation) -> QuerySet[Member]:
    """The branch's active full members, from whom its 入党介绍人 are named."""
    return roster_of(branch).filter(category=Category.FULL)


def steps_by_kind(candidate: Candidate) -> dict[str, Step]:
    """The file's steps taken once, by kind (from prefetched rows when there are)."""
    return {step.kind: step for step in candidate.steps.all() if step.kind != StepKind.ASSESSMENT}


def next_step(candidate: Candidate) -> NextStep | None:
    """The step the file waits for; None once it is closed or complete."""
    if candidate.closed_on is not None:
        return None
    done = steps_by_kind(candidate)
    kind = next((k for k in ORDER if k not in done), None)
    if kind is None:
        return None
    label = str(StepKind(kind).label)
    if kind == StepKind.TALK:
        return NextStep(kind, label, due_on=candidate.talk_due_on)
    if kind == StepKind.PROSPECT and StepKind.ACTIVIST in done:
        return NextStep(kind, label, not_before=add_months(done[StepKind.ACTIVIST].on, 12 * ACTIVIST_YEARS))
    if kind == StepKind.ADMITTED and done[StepKind.PUBLICITY].ends_on:
        return NextStep(kind, label, not_before=done[StepKind.PUBLICITY].ends_on + dt.timedelta(days=1))
    if kind == StepKind.FULL:
        return NextStep(kind, label, due_on=probation_ends_on(done[StepKind.ADMITTED].on))
    return NextStep(kind, label)


def next_assessment(candidate: Candidate) -> NextStep | None:
    """The half-yearly 培养考察 due next, for an open file of an activist or a probationary
    member: six months after the later of the stage's start (chosen as an activist; the general
    meeting's admission, from which the probation counts) and the last assessment recorded.
    None in the other stages, and in the probation when it ends first (转正 then decides)."""
    if not candidate.is_open or candidate.stage not in ASSESSED_IN:
        return None
    done = steps_by_kind(candidate)
    start = done.get(StepKind.ACTIVIST if candidate.stage == Stage.ACTIVIST else StepKind.ADMITTED)
    if start is None:
        return None
    assessed = [step.on for step in candidate.steps.all() if step.kind == StepKind.ASSESSMENT and step.on >= start.on]
    due = assessment_due_on(max([start.on, *assessed]))
    if candidate.stage == Stage.PROBATIONARY and due >= probation_ends_on(start.on):
        return None
    return NextStep(StepKind.ASSESSMENT, str(StepKind.ASSESSMENT.label), due_on=due)


def recordable(candidate: Candidate) -> list[str]:
    """The kinds of step that may be recorded on the file now: the next one, and the
    half-yearly assessment of an activist or a probationary member."""
    upcoming = next_step(candidate)
    kinds = [upcoming.kind] if upcoming else []
    if candidate.is_open and candidate.stage in ASSESSED_IN:
        kinds.append(StepKind.ASSESSMENT)
    return kinds


def timeline(candidate: Candidate) -> list[tuple[str, str, list[Step]]]:
    """The file's steps grouped under the five stages: (stage, its label, its steps)."""
    groups: dict[str, list[Step]] = {stage: [] for stage in Stage.values}
    approved = steps_by_kind(candidate).get(StepKind.APPROVED)
    for step in candidate.steps.all():
        stage = STAGE_OF[step.kind]
        if step.kind == StepKind.ASSESSMENT and approved is not None and step.on >= approved.on:
            stage = Stage.PROBATIONARY  # the assessments of the probation
        groups[stage].append(step)
    return [(stage, str(Stage(stage).label), groups[stage]) for stage in Stage.values]


def by_stage(candidates: list[Candidate]) -> list[tuple[str, str, list[tuple[Candidate, NextStep | None]]]]:
    """The files grouped by stage, each with its next step, the closed ones last."""
    groups: dict[str, list[tuple[Candidate, NextStep | None]]] = {stage: [] for stage in Stage.values}
    for candidate in candidates:
        groups[candidate.stage].append((candidate, next_step(candidate)))
    return [(stage, str(Stage(stage).label), groups[stage]) for stage in Stage.values]


@dataclass(frozen=True)
class Deadline:
    candidate: Candidate
    step: NextStep
    due_on: dt.date


def deadlines_of(candidates: QuerySet[Candidate]) -> list[Deadline]:
    """The deadlines of the open files, soonest first: their next step's (the talk, 转正) and
    the next half-yearly assessment's."""
    rows = []
    for candidate in with_steps(candidates.filter(closed_on__isnull=True).exclude(stage=Stage.FULL)):
        for step in (next_step(candidate), next_assessment(candidate)):
            if step is not None and step.due_on is not None:
                rows.append(Deadline(candidate, step, step.due_on))
    return sorted(rows, key=lambda row: (row.due_on, row.candidate.pk))


def upcoming_deadlines(user: User, *, today: dt.date, within: int = UPCOMING_DAYS) -> list[Deadline]:
    """The deadlines of the files the user keeps that fall within ``within`` days, or passed."""
    q = abilities.visible(user, "development.keep", field="branch__path")
    if q is None:
        return []
    horizon = today + dt.timedelta(days=within)
    return [row for row in deadlines_of(Candidate.objects.filter(q)) if row.due_on <= horizon]


def file_of_member(user: User, member: Member) -> Candidate | None:
    """The development file the member came from, for the member page, if the user reads it."""
    candidate = Candidate.objects.filter(member=member).select_related("branch").first()
    if candidate is None or not abilities.can(user, "development.view", candidate):
        return None
    return candidate
