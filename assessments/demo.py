"""Demo assessments for `manage.py seed_demo`: four past quarters submitted, reviewed and
final (deductions, findings, rectification items, grades; one card returned and resubmitted)
and the current quarter in progress, so a new user's dashboard tells a story. The committee's
checks are on record: the past fourth quarter's year-end check of every branch (its own plan,
a record with its own score each), and the last quarter's check of the key unit 长江大桥 by a
team of three (written test, notes, a good practice sent to the handbook, a difficulty answered).

Everything goes through the services; only timestamps are moved back afterwards (a demo made
today would otherwise show every past quarter as submitted late, today).
"""

import datetime as dt
import random
import re
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from branches.demo import DEMO_PASSWORD, DemoWorld, secretary_of
from branches.models import Organisation, OrgStatus, Role, User
from branches.services import role_grant, user_create
from handbook.selectors import edition_in_force
from handbook.services import load_default_edition

from .cards import unanswered
from .dashboard import previous_periods
from .models import CheckRecord, LineDeduction, Method, PlanKind, RectificationItem, Scorecard, ScorecardLine, Side
from .selectors import owner_candidates
from .services.checks import (
    WrittenRow,
    check_record_save,
    difficulty_add,
    difficulty_answer,
    good_practice_add,
    good_practice_send,
    written_scores_save,
)
from .services.claims import claims_accept_all
from .services.plans import assessment_plan_create
from .services.rectification import rectification_assign, rectification_report, rectification_verify
from .services.review import (
    finding_add,
    review_details_save,
    review_line_save,
    scorecard_finalise,
    scorecard_mark_reviewed,
    scorecard_return,
)
from .services.scorecards import current_quarter, quarter_end, scorecard_line_save, scorecard_open, scorecard_submit

# How many points each demo branch loses on its own assessment, and how many more the reviewer
# finds: a spread over all four grades.
PROFILE = {
    "DEMO-P01": (5, 1),
    "DEMO-P02": (9, 3),
    "DEMO-B01": (14, 2),
    "DEMO-B02": (20, 4),
    "DEMO-P03": (27, 6),
    "DEMO-P04": (36, 8),
    "DEMO-P05": (12, 1),
}
# A finding says what the team saw: the deduction rule it applied, cut before its points
# ("少开一次支委会或党小组会，每次扣1分" → "少开一次支委会或党小组会").
_POINTS_PART = re.compile(r"[，,；;]?(?:每|扣\d|最多扣).*$")


def _finding_for(line: ScorecardLine, counts: dict[int, int]) -> tuple[str, str]:
    """(problem, suggestion) for a line the team deducted: the problem from the rule applied,
    the suggestion from the article's own standard and the records it asks for."""
    rules = {rule.pk: rule for rule in line.article.deductions.all()}
    applied = [(rules[pk], count) for pk, count in sorted(counts.items()) if pk in rules and count]
    article = line.article
    if applied:
        rule, count = applied[0]
        what = _POINTS_PART.sub("", rule.description) or rule.description
        problem = what if rule.is_once or count == 1 else f"{what}（{count}处）"
    else:
        problem = f"“{article.title}”的佐证材料不全"
    standard = re.split(r"[；。]", article.standard)[0]
    suggestion = f"对照第{article.code}条标准整改：{standard}；补齐{article.evidence}，报支部委员会审核后销号。"
    return problem, suggestion[:2000]


def _deduct(
    card: Scorecard, *, points: int, rng: random.Random, skip: frozenset[int] = frozenset()
) -> list[tuple[ScorecardLine, dict[int, int]]]:
    """Picks lines (other than ``skip``) and rules until about ``points`` are lost; returns
    (line, counts) pairs."""
    lines = list(card.lines.select_related("article").prefetch_related("article__deductions"))
    # Only the articles assessed this quarter can be deducted (a yearly duty waits for Q4).
    lines = [line for line in lines if line.article.is_assessed_in(card.quarter) and line.pk not in skip]
    rng.shuffle(lines)
    chosen, lost = [], Decimal(0)
    for line in lines:
        if lost >= points:
            break
        rules = list(line.article.deductions.all())
        if not rules:
            continue
        rule = rng.choice(rules)
        count = 1 if rule.is_once else rng.randint(1, 3)
        cut = min(rule.points * count, rule.cap if rule.cap is not None else rule.points * count, line.max_score)
        chosen.append((line, {rule.pk: count}))
        lost += cut
    return chosen


METHODS = [Method.WRITTEN_TEST, Method.DOCUMENTS, Method.SITE_VISIT, Method.REPORT, Method.INTERVIEW]
# Before the review is final the team records its check; returns the methods it used.
RecordCheck = Callable[[Scorecard, list[str]], list[str]]


# The key unit whose last quarter's check is recorded in full, by a team of three.
TEAM_CHECKED = "DEMO-P02"
TEAM_MATES = [("reviewer2", "考核组 周敏"), ("reviewer3", "考核组 吴刚")]


def _team_mates(world: DemoWorld) -> list[User]:
    """Two more members of the committee's assessment team (reviewers, the demo password)."""
    mates = []
    for username, full_name in TEAM_MATES:
        user = User.objects.filter(username=username).first() or user_create(
            username=username, full_name=full_name, password=DEMO_PASSWORD
        )
        role_grant(by=None, user=user, role=Role.REVIEWER, organisation=world.committee)
        mates.append(user)
    return mates


def _check_days(card: Scorecard) -> tuple[dt.date, dt.date]:
    start = quarter_end(card.year, card.quarter) + dt.timedelta(days=12)
    return start, start + dt.timedelta(days=1)


def _year_end_check(team: list[User]) -> RecordCheck:
    """The year-end check of one branch: the whole team, a score of its own for the year's work."""

    def record(card: Scorecard, methods: list[str]) -> list[str]:
        start, end = _check_days(card)
        reviewed = Scorecard.objects.values_list("review_total", flat=True).get(pk=card.pk) or Decimal(80)
        # The year's work as the team found it: a little better than the last quarter where
        # the branch kept improving, never above 100.
        score = min(Decimal(100), Decimal(reviewed) + (2 if card.branch.is_key else 1))
        used = [Method.DOCUMENTS, Method.SITE_VISIT, Method.REPORT]
        check_record_save(
            scorecard=card,
            kind=PlanKind.YEAR_END,
            by=team[0],
            leader_id=team[0].pk,
            team_ids=[u.pk for u in team],
            started_on=start,
            ended_on=end,
            methods=used,
            notes={
                "documents_notes": "查阅全年三会一课记录、党费收缴台账和发展党员档案",
                "site_visit_notes": "查看党员活动室和项目部宣传阵地",
                "report_notes": "听取支部书记全年抓党建工作述职",
                "next_focus": "来年重点检查整改事项销号情况",
            },
            year_end_score=score,
        )
        return [str(m) for m in used]

    return record


def _team_check(team: list[User]) -> RecordCheck:
    """The key unit's check of the quarter, recorded in full by a team of three."""

    def record(card: Scorecard, methods: list[str]) -> list[str]:
        start, end = _check_days(card)
        used = [Method.WRITTEN_TEST, Method.DOCUMENTS, Method.SITE_VISIT, Method.INTERVIEW]
        saved = check_record_save(
            scorecard=card,
            kind=PlanKind.QUARTERLY,
            by=team[0],
            leader_id=team[0].pk,
            team_ids=[u.pk for u in team],
            started_on=start,
            ended_on=end,
            methods=used,
            notes={
                "documents_notes": "查阅支委会、党员大会、党小组会和党课记录，发展党员材料齐全",
                "site_visit_notes": "查看桥梁工区党员先锋岗和党员责任区公示牌",
                "interview_notes": "与6名党员和2名入党积极分子座谈，对“两学一做”常态化认识清楚",
                "next_focus": "重点检查主题党日活动记录和党员积分管理落实情况",
            },
        )
        written_scores_save(
            record=saved,
            by=team[0],
            rows=[
                WrittenRow(person_name="刘洋", score=Decimal("92.0")),
                WrittenRow(person_name="孙海涛", score=Decimal("86.5")),
                WrittenRow(person_name="马丽娟", score=Decimal("89.0")),
            ],
        )
        good_practice_add(
            record=saved,
            by=team[0],
            title="“党建+安全”工地夜校",
            description="每周二晚由党员技术骨干为农民工讲授安全操作规程，签到和考试记录归入党建台账。",
        )
        difficulty_add(record=saved, by=team[0], text="项目地处偏远，党员分散在三个工点，集中开展组织生活困难。")
        difficulty_add(record=saved, by=team[0], text="流动党员组织关系转接手续办理周期长。")
        return [str(m) for m in used]

    return record


def _after_the_check(world: DemoWorld, reviewer: User) -> None:
    """优标 after the key unit's check: its good practice goes to the handbook as a proposal and
    the committee answers the first difficulty (the second stays open)."""
    record = CheckRecord.objects.filter(scorecard__branch__code=TEAM_CHECKED, kind=PlanKind.QUARTERLY).first()
    if record is None:
        return
    for practice in record.good_practices.filter(sent_at__isnull=True):
        good_practice_send(practice=practice, by=reviewer)
    first = record.difficulties.order_by("pk").first()
    if first is not None and first.is_open:
        difficulty_answer(
            difficulty=first,
            by=reviewer,
            answer="同意按工点设立临时党小组，组织生活可采用“线上+线下”结合方式，党委组织部下月印发指导意见。",
        )


def _version(card: Scorecard) -> int:
    return Scorecard.objects.values_list("version", flat=True).get(pk=card.pk)


# The branch that counts one measured rule below what its records suggest and says why, so that
# the reviewer's side-by-side shows a reason; every branch accepts the other suggestions (a card
# with a rule below the records and no reason is not submitted).
EXPLAINS = "DEMO-B01"
EXPLANATION = "第三次支委会在工地现场召开，记录写在纸质记录本上，已扫描附在台账中"


def _answer_records(card: Scorecard, secretary: User) -> Scorecard:
    if card.branch.code == EXPLAINS:
        below = unanswered(card)["below"]
        if below:
            line = card.lines.select_related("article").get(pk=below[0].line_id)
            counts = dict(LineDeduction.objects.filter(line=line, side=Side.SELF).values_list("rule_id", "count"))
            reasons = {int(pk): claim.get("reason", "") for pk, claim in line.claims.items()}
            scorecard_line_save(
                line=line,
                by=secretary,
                version=_version(card),
                counts=counts,
                note=None,
                evidence=None,
                reasons=reasons | {below[0].rule_id: EXPLANATION},
            )
    return claims_accept_all(scorecard=card, by=secretary, version=_version(card))[0]


def _submit(card: Scorecard, secretary: User) -> Scorecard:
    card = _answer_records(card, secretary)
    return scorecard_submit(scorecard=card, by=secretary, version=_version(card))


def _past_card(
    branch: Organisation,
    year: int,
    quarter: int,
    *,
    reviewer: User,
    returned: bool,
    rng: random.Random,
    record: RecordCheck | None = None,
):
    secretary = secretary_of(branch)
    own, extra = PROFILE.get(branch.code, (15, 3))
    card = scorecard_open(branch=branch, year=year, quarter=quarter, by=secretary)
    # What the records show comes first; the branch's own findings make up the rest of its
    # profile, on lines the records left alone (a line's counts are saved whole).
    card = _answer_records(card, secretary)
    measured = frozenset(
        LineDeduction.objects.filter(line__scorecard=card, side=Side.SELF).values_list("line_id", flat=True)
    )
    lost = int(sum(line.max_score for line in card.lines.all()) - card.self_total)
    saves = _deduct(card, points=max(own + rng.randint(-2, 2) - lost, 1), rng=rng, skip=measured)
    for line, counts in saves:
        scorecard_line_save(
            line=line, by=secretary, version=_version(card), counts=counts, note="自查发现，已列入整改", evidence="台账"
        )
    card = _submit(card, secretary)
    if returned:
        card = scorecard_return(
            scorecard=card, by=reviewer, version=card.version, reason="部分条款自评依据不足，请补充佐证资料后重新提交"
        )
        line, counts = saves[0]
        scorecard_line_save(
            line=line,
            by=secretary,
            version=_version(card),
            counts=counts,
            note="已补充会议记录复印件",
            evidence="会议记录",
        )
        card = _submit(card, secretary)
    review_saves = _deduct(card, points=extra, rng=rng)
    for line, counts in review_saves:
        own_counts = dict(next((c for l2, c in saves if l2.pk == line.pk), {}))
        for rule_id, count in counts.items():
            own_counts[rule_id] = own_counts.get(rule_id, 0) + count
        for rule in line.article.deductions.all():
            if rule.is_once and own_counts.get(rule.pk, 0) > 1:
                own_counts[rule.pk] = 1
        review_line_save(line=line, by=reviewer, version=_version(card), counts=own_counts, review_note="现场核查")
    methods = [str(m) for m in rng.sample(METHODS, 3)]
    test_score = Decimal(rng.randint(70, 98))
    if record is not None:
        methods = record(card, methods)
    # A written-test score only where the team held the written test (笔试).
    card = review_details_save(
        scorecard=card,
        by=reviewer,
        version=_version(card),
        methods=methods,
        written_test_score=test_score if Method.WRITTEN_TEST in methods else None,
    )
    for line, counts in (review_saves + saves)[: rng.randint(1, 3)]:
        problem, suggestion = _finding_for(line, counts)
        finding_add(
            scorecard=card,
            by=reviewer,
            article_id=line.article_id,
            problem=problem,
            severity=rng.choice(["minor", "major", "minor"]),
            suggestion=suggestion,
            rectify_by=quarter_end(year, quarter) + dt.timedelta(days=45),
        )
    card = scorecard_mark_reviewed(scorecard=card, by=reviewer, version=card.version)
    card = scorecard_finalise(scorecard=card, by=reviewer, version=card.version)
    # Backdated: submitted before the deadline (one branch a few days after), reviewed later.
    late = branch.code == "DEMO-P04" and quarter % 2 == 0
    submitted = timezone.make_aware(
        dt.datetime.combine(card.deadline + dt.timedelta(days=3 if late else -rng.randint(1, 8)), dt.time(10))
    )
    Scorecard.objects.filter(pk=card.pk).update(
        submitted_at=submitted,
        is_late=late,
        reviewed_at=submitted + dt.timedelta(days=7),
        finalised_at=submitted + dt.timedelta(days=9),
    )
    return card


def _work_off_items(periods: list[tuple[int, int]], reviewer: User) -> None:
    """Items of all but the last past quarter are closed; the last quarter's stay open."""
    last = periods[-1]
    items = RectificationItem.objects.filter(branch__code__startswith="DEMO-").select_related(
        "finding__scorecard", "branch"
    )
    for item in items:
        card = item.finding.scorecard
        if (card.year, card.quarter) == last or item.status != "open":
            continue
        item = rectification_report(
            item=item, by=secretary_of(item.branch), action_taken="已召开专题会议整改，补齐台账", evidence="整改报告"
        )
        rectification_verify(item=item, by=reviewer, accept=True)


def _name_owners(world: DemoWorld, reviewer: User) -> None:
    """谁来做: the reviewer hands one open item of each branch that has a plain member to them."""
    member = world.users.get("member")
    if member is None:
        return
    for item in RectificationItem.objects.filter(branch__code__startswith="DEMO-", status="open").order_by("pk"):
        if owner_candidates(item.branch).filter(pk=member.pk).exists():
            rectification_assign(item=item, by=reviewer, owner_id=member.pk)
            return


@transaction.atomic
def seed(world: DemoWorld) -> None:
    if edition_in_force() is None:
        load_default_edition()
    reviewer = world.users["reviewer"]
    rng = random.Random(2026)  # noqa: S311 - demo data, the same every time
    year, quarter = current_quarter()
    periods = previous_periods(year, quarter, 5)
    past, (cy, cq) = periods[:4], periods[4]
    branches = [b for b in world.branches if b.status == OrgStatus.ACTIVE]
    if Scorecard.objects.filter(branch__in=branches).exists():
        return
    team = [reviewer, *_team_mates(world)]
    for n, (py, pq) in enumerate(past):
        assessment_plan_create(organisation=world.committee, year=py, quarter=pq, by=reviewer, seed=2026 + n)
        if pq == 4:
            # 年终检查: its own plan over every branch, and a record with its own score each.
            assessment_plan_create(
                organisation=world.committee, year=py, quarter=pq, kind=PlanKind.YEAR_END, by=reviewer
            )
        for branch in branches:
            returned = branch.code == "DEMO-P03" and n == 2
            record = None
            if pq == 4:
                record = _year_end_check(team)
            elif n == len(past) - 1 and branch.code == TEAM_CHECKED:
                record = _team_check(team)
            _past_card(branch, py, pq, reviewer=reviewer, returned=returned, rng=rng, record=record)
    _work_off_items(past, reviewer)
    _name_owners(world, reviewer)
    _after_the_check(world, reviewer)
    assessment_plan_create(organisation=world.committee, year=cy, quarter=cq, by=reviewer, seed=2030)
    # The current quarter: one branch filling in its card, one submitted, the rest not started.
    in_progress = [b for b in branches if b.code in ("DEMO-P01", "DEMO-P02")]
    for branch in in_progress:
        secretary = secretary_of(branch)
        card = scorecard_open(branch=branch, year=cy, quarter=cq, by=secretary)
        for line, counts in _deduct(card, points=4, rng=rng):
            scorecard_line_save(line=line, by=secretary, version=_version(card), counts=counts, note="本季度自查")
        if branch.code == "DEMO-P02":
            _submit(card, secretary)
