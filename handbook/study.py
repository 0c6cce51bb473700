"""明标: reads and writes of the quarterly study focus, training sessions and demonstration
branches. Published by a committee (or general branch), they reach every branch below it."""

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from branches import abilities
from branches.models import Organisation, OrgKind, User
from branches.selectors import company_filter, in_subtree, organisations_visible_to, reaching_filter
from members.models import ON_ROLL_STATUSES, Member

from .models import Article, DemonstrationBranch, StudyFocus, TrainingAttendance, TrainingSession
from .selectors import articles_in_force

ORGANISER_KINDS = (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH)


def organiser_units(user: User) -> QuerySet[Organisation]:
    """Where the user may publish a study focus or hold a training session."""
    return abilities.units_for(user, "study.organise").filter(kind__in=ORGANISER_KINDS, status="active")


def focuses_visible_to(user: User) -> QuerySet[StudyFocus]:
    q = reaching_filter(user)
    return StudyFocus.objects.none() if q is None else StudyFocus.objects.filter(q).select_related("organisation")


def sessions_visible_to(user: User) -> QuerySet[TrainingSession]:
    q = reaching_filter(user)
    if q is None:
        return TrainingSession.objects.none()
    return TrainingSession.objects.filter(q).select_related("organisation")


def demonstrations_visible_to(user: User) -> QuerySet[DemonstrationBranch]:
    """示范点 are there to be visited: everyone sees those of their whole company (the root
    committee of each unit where they hold a role)."""
    q = company_filter(user, field="organisation__path")
    if q is None:
        return DemonstrationBranch.objects.none()
    return DemonstrationBranch.objects.filter(q).select_related("organisation")


def _check_organiser(organisation: Organisation, by: User) -> None:
    if not organiser_units(by).filter(pk=organisation.pk).exists():
        raise ValidationError(_("You cannot publish for this unit."))


@transaction.atomic
def study_focus_publish(
    *, organisation: Organisation, year: int, quarter: int, note: str, articles: list[Article], by: User
) -> StudyFocus:
    """重点学习内容 for one quarter; publishing again for the same quarter replaces it."""
    _check_organiser(organisation, by)
    if not articles:
        raise ValidationError(_("Choose at least one article."))
    focus = StudyFocus.objects.filter(organisation=organisation, year=year, quarter=quarter).first()
    focus = focus or StudyFocus(organisation=organisation, year=year, quarter=quarter)
    focus.note = note.strip()
    focus.published_by = by
    focus.full_clean()
    focus.save()
    focus.articles.set(articles)
    return focus


@transaction.atomic
def training_create(
    *,
    organisation: Organisation,
    held_on: dt.date,
    topic: str,
    location: str,
    note: str,
    articles: list[Article],
    by: User,
) -> TrainingSession:
    _check_organiser(organisation, by)
    session = TrainingSession(
        organisation=organisation,
        held_on=held_on,
        topic=topic.strip(),
        location=location.strip(),
        note=note.strip(),
        created_by=by,
    )
    session.full_clean()
    session.save()
    session.articles.set(articles)
    return session


def roster_branches(session: TrainingSession, user: User) -> QuerySet[Organisation]:
    """The branches whose members may attend, to page a long roster branch by branch."""
    return organisations_visible_to(user).filter(in_subtree(session.organisation), kind=OrgKind.BRANCH).order_by("path")


def roster_for(session: TrainingSession, user: User) -> QuerySet[Member]:
    """Who may be recorded as attending: members on the roll below the organiser that the
    user may see."""
    visible = organisations_visible_to(user).filter(in_subtree(session.organisation))
    return (
        Member.objects.filter(branch__in=visible, status__in=ON_ROLL_STATUSES)
        .select_related("branch")
        .order_by("branch__path", "name")
    )


@transaction.atomic
def training_set_attendance(
    *,
    session: TrainingSession,
    attendance: dict[int, Decimal | None],
    by: User,
    within: Organisation | None = None,
) -> list[TrainingAttendance]:
    """Sets who attended (member id → test score, None when not tested) among the members
    of ``within`` (one branch's page of a long roster), or of the whole roster; attendees
    elsewhere are left as they are."""
    _check_organiser(session.organisation, by)
    roster = roster_for(session, by)
    if within is not None:
        roster = roster.filter(in_subtree(within, via="branch__path"))
    allowed = set(roster.filter(pk__in=attendance).values_list("pk", flat=True))
    unknown = set(attendance) - allowed
    if unknown:
        raise ValidationError(_("Some attendees are not on a roster you can see."))
    stale = session.attendances.exclude(member_id__in=allowed)
    if within is not None:
        stale = stale.filter(in_subtree(within, via="member__branch__path"))
    stale.delete()
    rows = []
    for member_id, score in attendance.items():
        row = TrainingAttendance.objects.filter(session=session, member_id=member_id).first()
        row = row or TrainingAttendance(session=session, member_id=member_id)
        row.test_score = score
        row.full_clean()
        row.save()
        rows.append(row)
    return rows


@transaction.atomic
def demonstration_set(*, organisation: Organisation, note: str, since: dt.date, by: User) -> DemonstrationBranch:
    if organisation.kind != OrgKind.BRANCH:
        raise ValidationError(_("Only a branch can be a demonstration branch."))
    if not organisation.is_active:
        raise ValidationError(_("A dissolved branch cannot be a demonstration branch."))
    row = DemonstrationBranch.objects.filter(organisation=organisation).first() or DemonstrationBranch(
        organisation=organisation
    )
    row.note = note.strip()
    row.since = since
    row.designated_by = by
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def demonstration_clear(*, organisation: Organisation) -> None:
    DemonstrationBranch.objects.filter(organisation=organisation).delete()


# --- proposing next quarter's focus from the deductions of the last one --------------------

# article id → points deducted, over the branches below ``organisation`` in one quarter.
DeductionSource = Callable[[Organisation, int, int], Mapping[int, Decimal]]
_deduction_sources: list[DeductionSource] = []


def register_deduction_source(source: DeductionSource) -> DeductionSource:
    """The reviews that deduct points live in another app (assessments), which builds on the
    handbook; it registers here (from its AppConfig.ready) so the handbook needs no import of it."""
    if source not in _deduction_sources:
        _deduction_sources.append(source)
    return source


def unregister_deduction_source(source: DeductionSource) -> None:
    if source in _deduction_sources:
        _deduction_sources.remove(source)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def suggested_focus(*, organisation: Organisation, year: int, quarter: int, limit: int = 5) -> list[Article]:
    """共性问题 become the next quarter's study focus: the articles in force with the most
    points deducted below ``organisation`` in the quarter before ``year``/``quarter``.

    Deductions recorded under an older edition count for the article of the same code in
    force, since that is the article branches study now."""
    last_year, last_quarter = previous_quarter(year, quarter)
    totals: dict[int, Decimal] = {}
    for source in _deduction_sources:
        for article_id, points in source(organisation, last_year, last_quarter).items():
            totals[article_id] = totals.get(article_id, Decimal(0)) + Decimal(points)
    if not totals:
        return []
    codes = dict(Article.objects.filter(pk__in=totals).values_list("pk", "code"))
    by_code: dict[str, Decimal] = {}
    for article_id, points in totals.items():
        if article_id in codes and points > 0:
            by_code[codes[article_id]] = by_code.get(codes[article_id], Decimal(0)) + points
    in_force = {a.code: a for a in articles_in_force().filter(code__in=by_code)}
    ranked = sorted(in_force, key=lambda code: (-by_code[code], code))
    return [in_force[code] for code in ranked[:limit]]
