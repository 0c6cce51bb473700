"""Writes of the development files: keyword-only, atomic, ``full_clean``, and each asks the
ability table (``abilities.require``) for the acting user (``by=None``: the system itself).

A file takes its steps in the order of ``stages.ORDER``, none skipped, none dated before the
one before it; the rules of the procedure (a year as an activist, five working days of
public notice, a year of probation, sponsors who are full members of the branch) are checked
here with the message the secretary reads. Approval by the committee above puts the
candidate on the roster as a probationary member (joined on the general meeting's
admission, entered on the roll the day of the approval); 转正 makes that roster row a full
member — both through the members services."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import abilities
from branches.models import Organisation, OrgKind, User
from config.exceptions import Conflict
from members.models import Category, Member
from members.services import member_create, member_update

from . import selectors
from .models import Candidate, Step, probation_ends_on
from .stages import (
    ACTIVIST_YEARS,
    ASSESSED_IN,
    ENTERS,
    ORDER,
    PUBLICITY_WORKING_DAYS,
    WITH_PEOPLE,
    Stage,
    StepKind,
    add_months,
    working_days,
)


def _require(by: User | None, name: str, obj: object) -> None:
    if by is not None:
        abilities.require(by, name, obj)


def _label(kind: str) -> str:
    return str(StepKind(kind).label)


@transaction.atomic
def candidate_open(
    *,
    branch: Organisation,
    by: User | None,
    name: str,
    gender: str,
    birth_date: dt.date,
    id_number: str,
    applied_on: dt.date,
    phone: str = "",
) -> Candidate:
    """Opens a file with the application received (递交入党申请书) as its first step."""
    _require(by, "development.open", branch)
    if branch.kind != OrgKind.BRANCH or not branch.is_active:
        raise ValidationError({"branch": _("A development file is kept by an active branch.")})
    if applied_on > timezone.localdate():
        raise ValidationError({"applied_on": _("The application date cannot be in the future.")})
    candidate = Candidate(
        branch=branch,
        name=name.strip(),
        gender=gender,
        birth_date=birth_date,
        id_number=id_number.strip().upper(),
        phone=phone.strip(),
        applied_on=applied_on,
        created_by=by,
    )
    candidate.full_clean()
    number = candidate.id_number
    if Candidate.objects.filter(id_number=number, closed_on__isnull=True).exclude(stage=Stage.FULL).exists():
        raise ValidationError({"id_number": _("An open development file already has this ID number.")})
    if Member.objects.filter(id_number=number).exists():
        raise ValidationError({"id_number": _("This ID number is already on the roster.")})
    candidate.save()
    Step.objects.create(candidate=candidate, kind=StepKind.APPLICATION, on=applied_on, recorded_by=by)
    return candidate


def _check_order(candidate: Candidate, kind: str, on: dt.date, done: dict[str, Step]) -> None:
    """No step skipped, none twice, none dated before the step before it."""
    if kind == StepKind.ASSESSMENT:
        if candidate.stage not in ASSESSED_IN:
            raise ValidationError(_("The half-yearly assessment is recorded for an activist or a probationary member."))
        entered = done.get(StepKind.APPROVED if candidate.stage == Stage.PROBATIONARY else StepKind.ACTIVIST)
        if entered and on < entered.on:
            raise ValidationError(
                {
                    "on": _("The date cannot be before %(step)s (%(date)s).")
                    % {"step": _label(entered.kind), "date": entered.on}
                }
            )
        return
    if kind in done:
        raise ValidationError(_("%(step)s is already recorded on this file.") % {"step": _label(kind)})
    waiting = next((k for k in ORDER if k not in done), None)
    if waiting != kind:
        raise ValidationError(
            _("Record %(next)s first: the steps are taken in order, none skipped.") % {"next": _label(waiting)}
        )
    before = done[ORDER[ORDER.index(kind) - 1]]
    last = before.ends_on if before.kind == StepKind.PUBLICITY and before.ends_on else before.on
    if on < before.on or (kind == StepKind.ADMITTED and on <= last):
        raise ValidationError(
            {
                "on": _("The date cannot be before %(step)s (%(date)s).")
                % {"step": _label(before.kind), "date": last.isoformat()}
            }
        )


def _check_rules(candidate: Candidate, kind: str, on: dt.date, ends_on: dt.date | None, done: dict[str, Step]) -> None:
    """The procedure's own rules for a step."""
    if kind == StepKind.PROSPECT:
        earliest = add_months(done[StepKind.ACTIVIST].on, 12 * ACTIVIST_YEARS)
        if on < earliest:
            raise ValidationError(
                {
                    "on": _(
                        "A candidate for admission is chosen after at least a year as an activist: not before %(date)s."
                    )
                    % {"date": earliest.isoformat()}
                }
            )
    if kind == StepKind.PUBLICITY:
        if ends_on is None:
            raise ValidationError({"ends_on": _("Give the last day of the public notice.")})
        if ends_on < on:
            raise ValidationError({"ends_on": _("The notice cannot end before it starts.")})
        if working_days(on, ends_on) < PUBLICITY_WORKING_DAYS:
            raise ValidationError(
                {
                    "ends_on": _("A public notice lasts at least %(n)d working days; this one lasts %(got)d.")
                    % {"n": PUBLICITY_WORKING_DAYS, "got": working_days(on, ends_on)}
                }
            )
    elif ends_on is not None:
        raise ValidationError({"ends_on": _("Only the public notice has an end date.")})
    if kind == StepKind.FULL:
        ends = probation_ends_on(done[StepKind.ADMITTED].on)
        if on < ends:
            raise ValidationError(
                {"on": _("The probation ends on %(date)s: the general meeting decides after it.") % {"date": ends}}
            )


def _check_people(candidate: Candidate, kind: str, people: Sequence[Member]) -> list[Member]:
    """Two different people of the branch's roster; sponsors are full members."""
    if kind not in WITH_PEOPLE:
        if people:
            raise ValidationError({"people": _("This step names nobody.")})
        return []
    chosen = list({person.pk: person for person in people if person is not None}.values())
    if len(chosen) != 2:
        raise ValidationError({"people": _("Name two different people.")})
    pool = (
        selectors.full_members_of(candidate.branch)
        if kind == StepKind.SPONSORS
        else selectors.roster_of(candidate.branch)
    )
    found = set(pool.filter(pk__in=[p.pk for p in chosen]).values_list("pk", flat=True))
    if len(found) != 2:
        if kind == StepKind.SPONSORS:
            raise ValidationError({"people": _("Sponsors are full members on the branch's roster.")})
        raise ValidationError({"people": _("Contacts are members on the branch's roster.")})
    return chosen


def _put_on_roster(candidate: Candidate, admitted_on: dt.date, approved_on: dt.date) -> Member:
    """The committee above approved: the candidate joins the roster as a probationary member,
    joined on the general meeting's admission and entered on the roll the day of the approval."""
    try:
        return member_create(
            branch=candidate.branch,
            by=None,  # the keeper's ability on the file was checked; the roster is the system's
            name=candidate.name,
            gender=candidate.gender,
            birth_date=candidate.birth_date,
            id_number=candidate.id_number,
            phone=candidate.phone,
            category=Category.PROBATIONARY,
            joined_on=admitted_on,
            on=approved_on,
        )
    except ValidationError as exc:
        raise ValidationError(
            _("%(name)s cannot be put on the roster: %(reason)s")
            % {"name": candidate.name, "reason": " ".join(exc.messages)}
        ) from exc


def _make_full(candidate: Candidate, admitted_on: dt.date) -> None:
    member = candidate.member
    if member is None:
        raise ValidationError(_("This file has no roster entry to make a full member."))
    member_update(
        member=member,
        fields={"category": Category.FULL, "full_member_on": probation_ends_on(admitted_on)},
        allowed=("category", "full_member_on"),
    )


@transaction.atomic
def step_record(
    *,
    candidate: Candidate,
    by: User | None,
    kind: str,
    on: dt.date,
    ends_on: dt.date | None = None,
    people: Sequence[Member] = (),
    note: str = "",
) -> Step:
    """Records one step of the file, moves it into the step's stage, names its contacts or
    sponsors, and keeps the roster in step (approval, 转正)."""
    candidate = (
        Candidate.objects.select_for_update(of=("self",)).select_related("branch", "member").get(pk=candidate.pk)
    )
    _require(by, "development.keep", candidate)
    if not candidate.is_open:
        raise Conflict(abilities.refusal("development.keep", candidate))
    if kind not in StepKind.values or kind == StepKind.APPLICATION:
        raise ValidationError(_("This step cannot be recorded here."))
    if on > timezone.localdate():
        raise ValidationError({"on": _("A step is recorded once it has been taken: the date cannot be in the future.")})
    done = selectors.steps_by_kind(candidate)
    _check_order(candidate, kind, on, done)
    _check_rules(candidate, kind, on, ends_on, done)
    chosen = _check_people(candidate, kind, people)
    step = Step(candidate=candidate, kind=kind, on=on, ends_on=ends_on, note=note.strip(), recorded_by=by)
    step.full_clean()
    step.save()
    if kind == StepKind.ACTIVIST:
        candidate.contacts.set(chosen)
    if kind == StepKind.SPONSORS:
        candidate.sponsors.set(chosen)
    if kind == StepKind.APPROVED:
        candidate.member = _put_on_roster(candidate, done[StepKind.ADMITTED].on, on)
    if kind == StepKind.FULL:
        _make_full(candidate, done[StepKind.ADMITTED].on)
    if kind in ENTERS:
        candidate.stage = ENTERS[kind]
    candidate.save(update_fields=["stage", "member"])
    return step


@transaction.atomic
def candidate_close(*, candidate: Candidate, by: User | None, on: dt.date, reason: str) -> Candidate:
    """Closes a file that stops here (不再列为发展对象, moved away, withdrawn), with the reason."""
    candidate = Candidate.objects.select_for_update(of=("self",)).select_related("branch").get(pk=candidate.pk)
    _require(by, "development.keep", candidate)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the file is closed.")})
    if on > timezone.localdate() or on < candidate.applied_on:
        raise ValidationError({"on": _("The date must lie between the application and today.")})
    candidate.closed_on = on
    candidate.closed_reason = reason.strip()
    candidate.full_clean()
    candidate.save(update_fields=["closed_on", "closed_reason"])
    return candidate
