"""核标 检查记录: the record of a check, its written-test scores, good practice and difficulties.

A record is written by a reviewer over the branch while the card's review is not final; the
plan entry it carries out is found, not chosen (none: 计划外). Written-test scores exist only
when 笔试 is among the methods. A good practice may be sent to the handbook once, as a proposal
of a new article (优标); a difficulty stays open until the committee answers it.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import abilities
from branches.models import User
from handbook.models import ProposalField
from handbook.services import proposal_create
from members.models import Member

from ..models import (
    CheckRecord,
    Difficulty,
    GoodPractice,
    Method,
    PlanKind,
    Scorecard,
    WrittenTestScore,
)
from ..selectors import check_team_candidates, plan_entry_for
from .scorecards import StaleVersion

NOTE_FIELDS = ("documents_notes", "site_visit_notes", "report_notes", "interview_notes", "next_focus")


def written_test_refusal() -> str:
    return _("A written-test score needs the written test (笔试) among the methods used.")


@dataclass(frozen=True)
class WrittenRow:
    person_name: str
    score: Decimal
    member_id: int | None = None


def _stale() -> StaleVersion:
    return StaleVersion(
        _("Someone else saved this check record in the meantime. Nothing was changed: reload the page and try again.")
    )


def _lock(record: CheckRecord, version: int | None) -> CheckRecord:
    locked = CheckRecord.objects.select_for_update().select_related("scorecard__branch").get(pk=record.pk)
    if version is not None and locked.version != version:
        raise _stale()
    return locked


@transaction.atomic
def check_record_save(
    *,
    scorecard: Scorecard,
    kind: str,
    by: User,
    leader_id: int | None,
    team_ids: Iterable[int],
    started_on: dt.date,
    ended_on: dt.date,
    methods: Iterable[str],
    notes: dict[str, str] | None = None,
    year_end_score: Decimal | None = None,
    version: int | None = None,
) -> CheckRecord:
    """Creates or updates the card's record of ``kind``. With ``version``, a record saved by
    someone else since is refused (StaleVersion)."""
    if kind not in PlanKind.values:
        raise ValidationError({"kind": _("Choose a quarterly or a year-end check.")})
    card = Scorecard.objects.select_for_update().select_related("branch").get(pk=scorecard.pk)
    record = CheckRecord.objects.filter(scorecard=card, kind=kind).first()
    if record is None:
        record = CheckRecord(scorecard=card, kind=kind, created_by=by)
    else:
        record = _lock(record, version)
        record.version += 1
    record.scorecard = card
    abilities.require(by, "check.record", record)
    chosen = list(dict.fromkeys(methods))
    if any(m not in Method.values for m in chosen):
        raise ValidationError({"methods": _("Unknown assessment method.")})
    if record.pk and Method.WRITTEN_TEST not in chosen and record.written_scores.exists():
        raise ValidationError(
            {"methods": _("The record holds written-test scores: remove them before leaving out the written test.")}
        )
    if kind != PlanKind.YEAR_END and year_end_score is not None:
        raise ValidationError({"year_end_score": _("Only the year-end check has a score of its own.")})
    candidates = set(check_team_candidates(card.branch).values_list("pk", flat=True))
    team = list(dict.fromkeys(team_ids))
    if leader_id is None:
        raise ValidationError({"leader": _("Name the team leader.")})
    if leader_id not in candidates:
        raise ValidationError({"leader": _("The team leader must be someone who may review this branch.")})
    if any(pk not in candidates for pk in team):
        raise ValidationError({"team": _("Every team member must be someone who may review this branch.")})
    if leader_id not in team:
        team.insert(0, leader_id)
    record.leader_id = leader_id
    record.started_on, record.ended_on = started_on, ended_on
    record.methods = chosen
    for field, value in (notes or {}).items():
        if field not in NOTE_FIELDS:
            raise ValueError(f"not a note of the check record: {field}")
        setattr(record, field, value.strip())
    record.year_end_score = year_end_score
    record.plan_entry = plan_entry_for(card, kind)
    record.full_clean()
    record.save()
    record.team.set(team)
    return record


@transaction.atomic
def written_scores_save(
    *, record: CheckRecord, by: User, rows: Sequence[WrittenRow], version: int | None = None
) -> list[WrittenTestScore]:
    """Replaces the written-test scores (one per person); refused unless 笔试 is a method used."""
    record = _lock(record, version)
    abilities.require(by, "check.record", record)
    if rows and not record.has_written_test:
        raise ValidationError({"written_scores": written_test_refusal()})
    names = [row.person_name.strip() for row in rows]
    if any(not name for name in names):
        raise ValidationError({"written_scores": _("Give the name of each person who sat the test.")})
    if len(set(names)) != len(names):
        raise ValidationError({"written_scores": _("Each person has one written-test score.")})
    members = {row.member_id for row in rows if row.member_id is not None}
    if members:
        known = set(Member.objects.filter(pk__in=members, branch=record.scorecard.branch).values_list("pk", flat=True))
        if members - known:
            raise ValidationError({"written_scores": _("Choose members of this branch.")})
    made = []
    for name, row in zip(names, rows, strict=True):
        score = WrittenTestScore(record=record, person_name=name, member_id=row.member_id, score=row.score)
        score.full_clean(exclude=["record"])
        made.append(score)
    record.written_scores.all().delete()
    WrittenTestScore.objects.bulk_create(made)
    record.version += 1
    record.save(update_fields=["version", "updated_at"])
    return made


@transaction.atomic
def good_practice_add(*, record: CheckRecord, by: User, title: str, description: str = "") -> GoodPractice:
    record = _lock(record, None)
    abilities.require(by, "check.record", record)
    practice = GoodPractice(record=record, title=title.strip(), description=description.strip())
    practice.full_clean()
    practice.save()
    return practice


@transaction.atomic
def good_practice_send(*, practice: GoodPractice, by: User) -> GoodPractice:
    """优标: the good practice becomes a proposal of a new article for the handbook's
    administrators to decide (``handbook.services.proposal_create``); sent once."""
    practice = GoodPractice.objects.select_for_update().select_related("record__scorecard__branch").get(pk=practice.pk)
    abilities.require(by, "check.send_practice", practice)
    abilities.require(by, "handbook.propose")
    card = practice.record.scorecard
    text = practice.title if not practice.description else f"{practice.title}\n{practice.description}"
    reason = _("Good practice found by the committee's check of %(branch)s, %(period)s.") % {
        "branch": card.branch.name,
        "period": _("%(year)d, quarter %(quarter)d") % {"year": card.year, "quarter": card.quarter},
    }
    practice.proposal = proposal_create(
        article=None, field=ProposalField.NEW_ARTICLE, proposed_text=text, reason=reason, by=by
    )
    practice.sent_at = timezone.now()
    practice.save(update_fields=["proposal", "sent_at"])
    return practice


@transaction.atomic
def difficulty_add(*, record: CheckRecord, by: User, text: str) -> Difficulty:
    """困难和问题 the branch raised during the check."""
    record = _lock(record, None)
    abilities.require(by, "check.record", record)
    difficulty = Difficulty(record=record, text=text.strip())
    difficulty.full_clean()
    difficulty.save()
    return difficulty


@transaction.atomic
def difficulty_answer(*, difficulty: Difficulty, by: User, answer: str) -> Difficulty:
    """The committee's answer: the branch reads it on its card; answered once."""
    difficulty = (
        Difficulty.objects.select_for_update().select_related("record__scorecard__branch").get(pk=difficulty.pk)
    )
    abilities.require(by, "difficulty.answer", difficulty)
    if not answer.strip():
        raise ValidationError({"answer": _("Write the committee's answer.")})
    difficulty.answer = answer.strip()
    difficulty.answered_by, difficulty.answered_at = by, timezone.now()
    difficulty.full_clean()
    difficulty.save()
    return difficulty
