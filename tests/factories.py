"""Factories for the test suite. Each app adds its own below its heading."""

import datetime as dt

import factory

from branches.models import Organisation, OrgKind, User
from branches.services import organisation_create

# --- branches -------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


_org_counter = iter(range(1, 10**9))


def make_org(
    parent: Organisation | None = None,
    *,
    kind: str | None = None,
    name: str | None = None,
    code: str | None = None,
    is_key: bool = False,
    established_on: dt.date | None = None,
) -> Organisation:
    """Creates an organisation through the service so that its path is right."""
    n = next(_org_counter)
    if kind is None:
        kind = (
            OrgKind.COMMITTEE
            if parent is None
            else {
                OrgKind.COMMITTEE: OrgKind.BRANCH,
                OrgKind.GENERAL_BRANCH: OrgKind.BRANCH,
                OrgKind.BRANCH: OrgKind.GROUP,
            }[parent.kind]
        )
    return organisation_create(
        by=None,
        parent=parent,
        code=code or f"ORG{n:05d}",
        name=name or f"组织{n}",
        kind=kind,
        is_key=is_key,
        established_on=established_on,
    )


# --- handbook -------------------------------------------------------------------------------


def handbook_document(*, version: str = "T1", articles: int = 4) -> dict:
    """A small, valid handbook in the exchange format: ``articles`` articles over three parts
    whose max scores add up to 100 (the last article takes the remainder)."""
    share = 100 // articles
    scores = [share] * (articles - 1) + [100 - share * (articles - 1)]
    frequencies = ["monthly", "quarterly", "yearly", "occasional", "weekly", "half_yearly", "daily"]
    due = {"occasional": "none", "weekly": "day:5", "monthly": "day:25", "quarterly": "after:15"}
    items = []
    for n in range(articles):
        frequency = frequencies[n % len(frequencies)]
        items.append(
            {
                "code": f"{n % 3 + 1}-{n + 1:02d}",
                "part": n % 3 + 1,
                "title": f"测试条款{n + 1}“三会一课”",
                "line": ["party", "union", "league"][n % 3],
                "what": f"做什么{n + 1}",
                "who": "支部书记牵头",
                "who_role": "secretary",
                "how": "会前通知,会上记录,会后归档",
                "when": "每月一次",
                "frequency": frequency,
                "due_rule": due.get(frequency, "end"),
                "standard": "记录要素齐全",
                "evidence": "《会议记录本》",
                "example": "会议记录\n时间:\n地点:",
                "max_score": scores[n],
                "deductions": [
                    {"description": "少开一次 −1", "points": 1, "cap": min(3, scores[n])},
                    {"description": "记录不全 −0.5", "points": 0.5, "cap": None},
                ],
            }
        )
    return {
        "version": version,
        "title": "测试手册",
        "parts": [
            {"number": 1, "title": "基层党建工作制度"},
            {"number": 2, "title": "党建主题活动要求及范例"},
            {"number": 3, "title": "党建资料台账要求及范例"},
        ],
        "articles": items,
    }


def make_edition(*, version: str = "T1", articles: int = 4, published: bool = True):
    """A handbook edition loaded through the importer (and published unless told otherwise)."""
    from handbook.services import edition_import, edition_publish

    edition = edition_import(data=handbook_document(version=version, articles=articles))
    return edition_publish(edition=edition) if published else edition


# --- members --------------------------------------------------------------------------------

from members.id_numbers import check_char  # noqa: E402
from members.models import Category, Gender, Member, MemberStatus  # noqa: E402

_id_counter = iter(range(1, 10**6))


def make_id_number(birth: dt.date = dt.date(1985, 3, 14), region: str = "420102", seq: int | None = None) -> str:
    """A valid 18-character ID number (GB 11643 check digit) for the given birth date."""
    seq = next(_id_counter) % 1000 if seq is None else seq
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = Gender.MALE
    birth_date = dt.date(1985, 3, 14)
    id_number = factory.LazyAttribute(lambda o: make_id_number(o.birth_date))
    phone = "13800000000"
    category = Category.FULL
    joined_on = dt.date(2008, 7, 1)
    full_member_on = dt.date(2009, 7, 1)
    status = MemberStatus.ON_ROLL


# --- tasks ----------------------------------------------------------------------------------

from tasks.models import Task  # noqa: E402


def make_task(
    branch: Organisation, article: object, *, due_on: dt.date = dt.date(2026, 11, 25), **fields: object
) -> Task:
    """A handbook task of ``branch`` for ``article`` in the month holding ``due_on``, counted
    in the task tallies as the services count the tasks they make."""
    from tasks.periods import period_of
    from tasks.tallies import tally_change

    period = period_of("monthly", due_on)
    task = Task.objects.create(
        branch=branch,
        article=article,
        title=article.title,  # type: ignore[attr-defined]
        frequency=article.frequency,  # type: ignore[attr-defined]
        period_key=fields.pop("period_key", period.key),
        period_start=period.start,
        period_end=period.end,
        due_on=due_on,
        **fields,
    )
    tally_change(None, task)
    return task


# --- assessments ----------------------------------------------------------------------------


def open_scorecard(branch: Organisation, *, year: int = 2026, quarter: int = 3, deadline: dt.date | None = None):
    """A draft scorecard of the edition in force (one is loaded if there is none)."""
    from assessments.services.scorecards import scorecard_open
    from handbook.selectors import edition_in_force

    if edition_in_force() is None:
        make_edition(version="T1")
    return scorecard_open(branch=branch, year=year, quarter=quarter, deadline=deadline)


def first_rule_counts(line, count: int = 1) -> dict[int, int]:
    """{rule id: count} for the first deduction rule of the line's article."""
    return {line.article.deductions.order_by("position", "pk").first().pk: count}


# A card of the default edition opened for a branch without meeting records has measured rules
# counted below what the records suggest: the strict rule refuses to submit it until each is
# answered (``assessments.services.claims.refuse_unanswered``). Tests answer them first, in the
# way that suits what they test: a reason keeps every score as opened, accepting deducts.
RECORDS_REASON = "会议记录在纸质记录本上，尚未录入系统"


def answer_records(card, *, by: User, reason: str | None = None):
    """Answers every measured rule of ``card`` counted below the records without a reason:
    with ``reason`` the counts stay and each such rule is given it (line saves with reasons);
    without, every suggestion is accepted (``claims_accept_all``). The card as it now stands."""
    from assessments.cards import unanswered
    from assessments.models import LineDeduction, Scorecard, Side
    from assessments.services.claims import claims_accept_all
    from assessments.services.scorecards import LineEdit, scorecard_lines_save

    card = Scorecard.objects.get(pk=card.pk)
    if reason is None:
        return claims_accept_all(scorecard=card, by=by, version=card.version)[0]
    below: dict[int, set[int]] = {}
    for item in unanswered(card)["below"]:
        below.setdefault(item.line_id, set()).add(item.rule_id)
    if not below:
        return card
    edits = []
    for line in card.lines.filter(pk__in=below):
        counts = dict(LineDeduction.objects.filter(line=line, side=Side.SELF).values_list("rule_id", "count"))
        reasons = {int(pk): claim.get("reason", "") for pk, claim in line.claims.items()}
        reasons |= {rule_id: reason for rule_id in below[line.pk]}
        edits.append(LineEdit(line_id=line.pk, counts=counts, note=None, evidence=None, reasons=reasons))
    return scorecard_lines_save(scorecard=card, by=by, edits=edits, version=card.version)


def submit_card(card, *, by: User, reason: str | None = None):
    """``card`` submitted by ``by`` once its measured rules are answered (``answer_records``)."""
    from assessments.services.scorecards import scorecard_submit

    card = answer_records(card, by=by, reason=reason)
    return scorecard_submit(scorecard=card, by=by, version=card.version)


def final_scorecard(branch: Organisation, *, year: int, quarter: int, by: User, deductions: int = 0):
    """A final scorecard: submitted as is, the reviewer applies the first rule of the first
    line ``deductions`` times. ``by`` must hold both roles (a superuser does)."""
    from assessments.services.review import review_line_save, scorecard_finalise, scorecard_mark_reviewed

    card = open_scorecard(branch, year=year, quarter=quarter)
    card = submit_card(card, by=by, reason=RECORDS_REASON)
    if deductions:
        line = card.lines.select_related("article").order_by("article__code").first()
        review_line_save(line=line, by=by, version=card.version, counts=first_rule_counts(line, deductions))
        card.refresh_from_db()
    card = scorecard_mark_reviewed(scorecard=card, by=by, version=card.version)
    # In a test transaction the feedback sheet job (enqueued on commit) never runs.
    return scorecard_finalise(scorecard=card, by=by, version=card.version)


def rectification_item(branch: Organisation, *, by: User, year: int = 2026, quarter: int = 2, **finding: object):
    """The rectification item of one finding on a final scorecard of ``branch``. ``by`` must
    hold both the secretary and reviewer roles (a superuser does)."""
    from assessments.models import RectificationItem
    from assessments.services.review import finding_add, scorecard_finalise, scorecard_mark_reviewed

    card = open_scorecard(branch, year=year, quarter=quarter)
    card = submit_card(card, by=by, reason=RECORDS_REASON)
    line = card.lines.select_related("article").order_by("article__code").first()
    values = {"problem": "台账不全", "severity": "minor", "rectify_by": dt.date(year, quarter * 3, 28)} | finding
    finding_add(scorecard=card, by=by, article_id=line.article_id, **values)
    card = scorecard_mark_reviewed(scorecard=card, by=by, version=card.version)
    card = scorecard_finalise(scorecard=card, by=by, version=card.version)
    return RectificationItem.objects.get(finding__scorecard=card)


def record_check(card, *, by: User, kind: str = "quarterly", score=None, team=(), methods=("documents",), **notes):
    """The card's check record (检查记录) of ``kind``, written by ``by`` (a reviewer over the
    branch, who leads the team), through the service; ``score`` is a year-end check's own."""
    from assessments.services.checks import check_record_save

    return check_record_save(
        scorecard=card,
        kind=kind,
        by=by,
        leader_id=by.pk,
        team_ids=[by.pk, *(u.pk for u in team)],
        started_on=dt.date(card.year, card.quarter * 3, 10),
        ended_on=dt.date(card.year, card.quarter * 3, 11),
        methods=list(methods),
        notes=notes,
        year_end_score=score,
    )


# --- meetings -------------------------------------------------------------------------------


def make_meeting(
    branch: Organisation,
    *,
    members: int = 3,
    absent: int = 1,
    kind: str = "committee",
    held_at: dt.datetime | None = None,
    resolutions: int = 1,
):
    """A meeting of ``branch`` recorded by the system: ``members`` new members of the roster
    expected, the first ``absent`` of them absent (with a reason), ``resolutions`` open ones."""
    from django.utils import timezone

    from meetings.services import Absence, ResolutionInput, meeting_record

    roster = [MemberFactory(branch=branch, name=f"参会{n}") for n in range(members)]
    return meeting_record(
        branch=branch,
        by=None,
        kind=kind,
        held_at=held_at or timezone.now() - dt.timedelta(days=2),
        place="项目部会议室",
        topics="学习上级文件精神",
        expected=roster,
        absences=[Absence(member=m, reason="出差") for m in roster[:absent]],
        resolutions=[ResolutionInput(text=f"落实事项{n}", owner_member=roster[-1]) for n in range(resolutions)],
    )
