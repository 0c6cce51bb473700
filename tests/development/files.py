"""Development files at a given step, for the tests: each step recorded through the service,
dated backwards from ``today`` so that every rule of the procedure holds."""

import datetime as dt

from django.utils import timezone

from development.models import Candidate
from development.services import candidate_open, step_record
from development.stages import ORDER, StepKind
from members.models import Member
from tests.factories import make_id_number

D = dt.timedelta


def new_file(branch, *, applied_on: dt.date | None = None, name: str = "候选人", birth: dt.date = dt.date(1995, 6, 1)):
    """A file just opened (the application received)."""
    number = make_id_number(birth, region="310101")
    return candidate_open(
        branch=branch,
        by=None,
        name=name,
        gender="male",
        birth_date=birth,
        id_number=number,
        applied_on=applied_on or timezone.localdate() - D(10),
    )


def plan(today: dt.date, *, admitted_ago: int = 400) -> dict[str, dict]:
    """A date (and what else the step takes) for every step, ``admitted_ago`` days before today."""
    admitted = today - D(admitted_ago)
    publicity_ends = admitted - D(3)
    publicity = publicity_ends - D(8)
    training = publicity - D(5)
    review = training - D(5)
    sponsors = review - D(5)
    prospect = sponsors - D(5)
    activist = prospect - D(370)
    applied = activist - D(60)
    return {
        StepKind.APPLICATION: {"on": applied},
        StepKind.TALK: {"on": applied + D(20)},
        StepKind.ACTIVIST: {"on": activist},
        StepKind.PROSPECT: {"on": prospect},
        StepKind.SPONSORS: {"on": sponsors},
        StepKind.POLITICAL_REVIEW: {"on": review},
        StepKind.TRAINING: {"on": training},
        StepKind.PUBLICITY: {"on": publicity, "ends_on": publicity_ends},
        StepKind.ADMITTED: {"on": admitted},
        StepKind.APPROVED: {"on": admitted + D(10)},
        StepKind.OATH: {"on": admitted + D(15)},
        StepKind.FULL: {"on": min(admitted + D(366), today)},
    }


def file_through(
    branch, last: str, *, people: list[Member], admitted_ago: int = 400, name: str = "候选人"
) -> Candidate:
    """A file with every step up to and including ``last`` recorded; ``people`` gives the
    contacts (the first two) and the sponsors (the next two, full members)."""
    dates = plan(timezone.localdate(), admitted_ago=admitted_ago)
    candidate = new_file(branch, applied_on=dates[StepKind.APPLICATION]["on"], name=name)
    for kind in ORDER[1 : ORDER.index(last) + 1]:
        extra = dict(dates[kind])
        if kind == StepKind.ACTIVIST:
            extra["people"] = people[:2]
        if kind == StepKind.SPONSORS:
            extra["people"] = people[2:4]
        step_record(candidate=candidate, by=None, kind=kind, **extra)
    return Candidate.objects.get(pk=candidate.pk)
