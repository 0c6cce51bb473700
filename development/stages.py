"""发展党员: the five stages and the steps of a candidate's file, in the order they are taken.

``ORDER`` is the one place that says which step follows which: a file records its steps in
this order, none skipped (the half-yearly 培养考察 of an activist or a probationary member
is the one step that repeats, beside the line). ``STAGE_OF`` groups the steps under their
stage for the timeline; ``ENTERS`` names the steps that move the candidate into a stage."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")  # 入党申请人
    ACTIVIST = "activist", _("Activist")  # 入党积极分子
    PROSPECT = "prospect", _("Candidate for admission")  # 发展对象
    PROBATIONARY = "probationary", _("Probationary member")  # 预备党员
    FULL = "full", _("Full member")  # 正式党员


class StepKind(models.TextChoices):
    APPLICATION = "application", _("Application received")  # 递交入党申请书
    TALK = "talk", _("Talk with the applicant")  # 派人谈话 (within a month)
    ACTIVIST = "activist", _("Chosen as an activist")  # 推荐和确定入党积极分子
    ASSESSMENT = "assessment", _("Half-yearly assessment")  # 培养教育考察
    PROSPECT = "prospect", _("Chosen as a candidate for admission")  # 确定发展对象
    SPONSORS = "sponsors", _("Sponsors named")  # 确定入党介绍人
    POLITICAL_REVIEW = "political_review", _("Political review")  # 政治审查
    TRAINING = "training", _("Intensive training")  # 集中培训
    PUBLICITY = "publicity", _("Public notice")  # 公示
    ADMITTED = "admitted", _("Admitted by the branch's general meeting")  # 支部大会讨论接收
    APPROVED = "approved", _("Approved by the Party committee above")  # 上级党委审批
    OATH = "oath", _("Oath of admission")  # 入党宣誓
    FULL = "full", _("Made a full member by the branch's general meeting")  # 转正


ORDER: tuple[str, ...] = (
    StepKind.APPLICATION,
    StepKind.TALK,
    StepKind.ACTIVIST,
    StepKind.PROSPECT,
    StepKind.SPONSORS,
    StepKind.POLITICAL_REVIEW,
    StepKind.TRAINING,
    StepKind.PUBLICITY,
    StepKind.ADMITTED,
    StepKind.APPROVED,
    StepKind.OATH,
    StepKind.FULL,
)
REPEATED = StepKind.ASSESSMENT
# The stages in which the half-yearly assessment is recorded.
ASSESSED_IN = (Stage.ACTIVIST, Stage.PROBATIONARY)

STAGE_OF: dict[str, str] = {
    StepKind.APPLICATION: Stage.APPLICANT,
    StepKind.TALK: Stage.APPLICANT,
    StepKind.ACTIVIST: Stage.ACTIVIST,
    StepKind.ASSESSMENT: Stage.ACTIVIST,
    StepKind.PROSPECT: Stage.PROSPECT,
    StepKind.SPONSORS: Stage.PROSPECT,
    StepKind.POLITICAL_REVIEW: Stage.PROSPECT,
    StepKind.TRAINING: Stage.PROSPECT,
    StepKind.PUBLICITY: Stage.PROSPECT,
    StepKind.ADMITTED: Stage.PROBATIONARY,
    StepKind.APPROVED: Stage.PROBATIONARY,
    StepKind.OATH: Stage.PROBATIONARY,
    StepKind.FULL: Stage.FULL,
}
# The steps that move the file into a stage. A candidate is a probationary member once the
# committee above approves (the roster gets them then), dated from the general meeting.
ENTERS: dict[str, str] = {
    StepKind.ACTIVIST: Stage.ACTIVIST,
    StepKind.PROSPECT: Stage.PROSPECT,
    StepKind.APPROVED: Stage.PROBATIONARY,
    StepKind.FULL: Stage.FULL,
}
# The steps that name two people of the roster: 培养联系人 and 入党介绍人.
WITH_PEOPLE = (StepKind.ACTIVIST, StepKind.SPONSORS)

TALK_WITHIN_MONTHS = 1  # 组织派人谈话: within a month of the application
ACTIVIST_YEARS = 1  # 发展对象: after at least a year as an activist
PROBATION_YEARS = 1  # 预备期: a year from the general meeting's admission
PUBLICITY_WORKING_DAYS = 5  # 公示: at least five working days
ASSESSMENT_MONTHS = 6  # 培养考察: every half year, as an activist and during the probation


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, the month's last day when it has no such day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def assessment_due_on(since: dt.date) -> dt.date:
    """The next half-yearly assessment, six months after ``since`` (the stage's start or the
    last assessment): Aug 31 gives the last day of February."""
    return add_months(since, ASSESSMENT_MONTHS)


def working_days(start: dt.date, end: dt.date) -> int:
    """Monday to Friday from ``start`` to ``end``, both counted (public holidays are not known
    here: a notice over a holiday should be made longer by hand)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for i in range(rest):
        if (start + dt.timedelta(days=weeks * 7 + i)).weekday() < 5:
            count += 1
    return count
