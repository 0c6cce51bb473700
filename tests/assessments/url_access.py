"""The assessments URLs in the role × URL table. Scorecards of branch A: its secretary fills
them in, the committee's reviewer reviews them, the administrator reads them; the secretary
of B and the outsider do not know they exist (404); a plain member is refused (403)."""

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import AssessmentPlan, EvidenceFile, RectificationItem, Scorecard, UpgradePlan
from assessments.services.evidence import evidence_add
from assessments.services.plans import assessment_plan_create
from assessments.services.rectification import rectification_report
from assessments.services.review import finding_add, review_line_save, scorecard_finalise, scorecard_mark_reviewed
from tests.factories import RECORDS_REASON, open_scorecard, submit_card
from tests.url_table import Case, from_ability, statuses

VIEW = statuses(200, secretary_b=404, member=403, outsider=404)
SELF_POST = statuses(403, secretary_a=302, secretary_b=404, outsider=404)
REVIEW_POST = statuses(403, reviewer=302, secretary_b=404, outsider=404)


def draft(w) -> Scorecard:
    return open_scorecard(w.branch_a)


def submitted(w) -> Scorecard:
    card = draft(w)
    if card.status == "draft":
        card = submit_card(card, by=w.secretary_a, reason=RECORDS_REASON)
    return card


def final(w) -> Scorecard:
    card = submitted(w)
    card = scorecard_mark_reviewed(scorecard=card, by=w.reviewer, version=card.version)
    card = scorecard_finalise(scorecard=card, by=w.reviewer, version=card.version)
    card.feedback_pdf.save("sheet.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    card.save(update_fields=["feedback_pdf"])
    return card


def with_finding(w) -> dict:
    card = submitted(w)
    finding = finding_add(
        scorecard=card, by=w.reviewer, article_id=card.lines.first().article_id, problem="问题", severity="minor"
    )
    return {"pk": card.pk, "finding_pk": finding.pk}


def item(w) -> dict:
    ids = with_finding(w)
    card = Scorecard.objects.get(pk=ids["pk"])
    card = scorecard_mark_reviewed(scorecard=card, by=w.reviewer, version=card.version)
    card = scorecard_finalise(scorecard=card, by=w.reviewer, version=card.version)
    return {"pk": card.findings.get().rectification.pk}


def done_item(w) -> dict:
    ids = item(w)
    rectification_report(item=RectificationItem.objects.get(pk=ids["pk"]), by=w.secretary_a, action_taken="已整改")
    return ids


def rectification_file(w) -> dict:
    ids = item(w)
    pdf = SimpleUploadedFile("整改记录.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    found = RectificationItem.objects.get(pk=ids["pk"])
    rectification_report(item=found, by=w.secretary_a, action_taken="已整改", files=[pdf])
    return {"pk": found.files.get().pk}


def plan(w) -> dict:
    found = AssessmentPlan.objects.first() or assessment_plan_create(
        organisation=w.committee, year=2026, quarter=3, by=w.reviewer, seed=7
    )
    return {"pk": found.pk}


def upgrade(w) -> dict:
    card = submitted(w)
    rules = {}
    for line in card.lines.select_related("article").order_by("article__code")[:2]:
        rule = line.article.deductions.order_by("position").last()
        review_line_save(line=line, by=w.reviewer, version=card.version, counts={rule.pk: 100})
        card.refresh_from_db()
        rules[line.pk] = rule.pk
    card = scorecard_mark_reviewed(scorecard=card, by=w.reviewer, version=card.version)
    card = scorecard_finalise(scorecard=card, by=w.reviewer, version=card.version)
    return {"pk": card.upgrade_plan.pk}


def upgrade_target(w) -> dict:
    ids = upgrade(w)
    return ids | {"target_pk": UpgradePlan.objects.get(pk=ids["pk"]).targets.first().pk}


def evidence(w) -> dict:
    card = draft(w)
    line = card.lines.first()
    found = EvidenceFile.objects.first() or evidence_add(
        line=line, by=w.secretary_a, upload=SimpleUploadedFile("记录.pdf", b"%PDF-1.4 x")
    )
    return {"pk": found.pk}


def checked(w) -> dict:
    """A check record of A's submitted card (the quarter's), with a good practice and a difficulty."""
    from assessments.models import CheckRecord
    from assessments.services.checks import difficulty_add, good_practice_add
    from tests.factories import record_check

    card = submitted(w)
    record = CheckRecord.objects.filter(scorecard=card).first()
    if record is None:
        record = record_check(card, by=w.reviewer)
        good_practice_add(record=record, by=w.reviewer, title="党员先锋岗")
        difficulty_add(record=record, by=w.reviewer, text="党员分散")
    return {"pk": record.pk}


def checked_card(w) -> dict:
    return {"pk": record_of(w).scorecard_id}


def record_of(w):
    from assessments.models import CheckRecord

    return CheckRecord.objects.get(pk=checked(w)["pk"])


def practice(w) -> dict:
    record = record_of(w)
    return {"pk": record.pk, "practice_pk": record.good_practices.get().pk}


def difficulty(w) -> dict:
    return {"pk": record_of(w).difficulties.get().pk}


def record_data(w) -> dict:
    return {
        "leader": w.reviewer.pk,
        "team": [w.reviewer.pk],
        "started_on": "2026-10-10",
        "ended_on": "2026-10-11",
        "methods": ["documents"],
    }


def _card(make):
    return lambda w: {"pk": make(w).pk}


def _line(make):
    def kwargs(w):
        card = make(w)
        return {"pk": card.pk, "line_pk": card.lines.first().pk}

    return kwargs


def _version(make):
    return lambda w: {"version": make(w).version}


def _finding(make):
    def data(w):
        card = make(w)
        return {"article": card.lines.first().article_id, "problem": "台账缺页", "severity": "minor"}

    return data


def _line_version(make):
    return lambda w: {"line_version": make(w).lines.first().version}


URLS = {
    "assessments:index": Case(statuses(200, member=403, outsider=403)),
    "assessments:branch": Case(VIEW, kwargs=lambda w: {"pk": w.branch_a.pk}),
    "assessments:open": Case(SELF_POST, kwargs=lambda w: {"pk": draft(w).branch_id}, method="post"),
    "assessments:scorecard": Case(from_ability("scorecard.view"), kwargs=_card(draft)),
    "assessments:line_save": Case(
        from_ability("scorecard.fill", ok=302), kwargs=_line(draft), method="post", data=_line_version(draft)
    ),
    "assessments:line_seen": Case(from_ability("scorecard.fill", ok=204), kwargs=_line(draft), method="post"),
    "assessments:submit": Case(
        from_ability("scorecard.fill", ok=302), kwargs=_card(draft), method="post", data=_version(draft)
    ),
    "assessments:submit_check": Case(from_ability("scorecard.fill"), kwargs=_card(draft)),
    "assessments:accept_suggestions": Case(
        from_ability("scorecard.fill", ok=302), kwargs=_card(draft), method="post", data=_version(draft)
    ),
    "assessments:history": Case(from_ability("scorecard.view"), kwargs=_card(draft)),
    "assessments:review": Case(from_ability("scorecard.read_review"), kwargs=_card(submitted)),
    "assessments:review_line_save": Case(
        from_ability("scorecard.review", ok=302), kwargs=_line(submitted), method="post", data=_version(submitted)
    ),
    "assessments:review_details": Case(REVIEW_POST, kwargs=_card(submitted), method="post", data=_version(submitted)),
    "assessments:finding_add": Case(
        from_ability("finding.write", ok=302), kwargs=_card(submitted), method="post", data=_finding(submitted)
    ),
    "assessments:finding_delete": Case(REVIEW_POST, kwargs=with_finding, method="post"),
    "assessments:return": Case(
        from_ability("scorecard.review", ok=302),
        kwargs=_card(submitted),
        method="post",
        data=lambda w: _version(submitted)(w) | {"reason": "材料不全"},
    ),
    "assessments:mark_reviewed": Case(REVIEW_POST, kwargs=_card(submitted), method="post", data=_version(submitted)),
    "assessments:finalise": Case(
        from_ability("scorecard.review", ok=302), kwargs=_card(submitted), method="post", data=_version(submitted)
    ),
    "assessments:feedback_pdf": Case(VIEW, kwargs=_card(final)),
    "assessments:acknowledge": Case(SELF_POST, kwargs=_card(final), method="post"),
    "assessments:rectification_list": Case(statuses(200, member=403, outsider=403)),
    "assessments:rectification_item": Case(from_ability("rectification.view"), kwargs=item),
    "assessments:rectification_report": Case(
        from_ability("rectification.report", ok=302),
        kwargs=item,
        method="post",
        data=lambda w: {"action_taken": "已整改"},
    ),
    "assessments:rectification_assign": Case(from_ability("rectification.assign", ok=302), kwargs=item, method="post"),
    "assessments:rectification_evidence": Case(from_ability("rectification.view"), kwargs=rectification_file),
    "assessments:rectification_verify": Case(
        from_ability("rectification.verify", ok=302),
        kwargs=done_item,
        method="post",
        data=lambda w: {"decision": "close"},
    ),
    "assessments:dashboard": Case(from_ability("dashboard.view")),
    "assessments:export": Case(statuses(403, administrator=200, reviewer=200)),
    "assessments:desk_list": Case(from_ability("dashboard.view")),
    "assessments:plans": Case(statuses(403, administrator=200, reviewer=200)),
    "assessments:plan_create": Case(
        from_ability("plan.create", ok=302),
        method="post",
        data=lambda w: {"org": w.committee.pk, "quarter": "2026Q3", "sample_percent": "50"},
    ),
    "assessments:plan": Case(statuses(404, administrator=200, reviewer=200), kwargs=plan),
    "assessments:upgrade": Case(from_ability("upgrade.view"), kwargs=upgrade),
    "assessments:upgrade_target": Case(
        from_ability("upgrade.edit", ok=302),
        kwargs=upgrade_target,
        method="post",
        data=lambda w: {"action": "补短板", "progress": "进行中"},
    ),
    # 核标 check records: the committee reads them as the check goes, a reviewer writes them.
    "assessments:check_record": Case(from_ability("check.view"), kwargs=checked_card),
    "assessments:year_end_check": Case(
        from_ability("check.record", ok=302), kwargs=_card(submitted), method="post", data=record_data
    ),
    "assessments:check_written": Case(
        from_ability("check.record", ok=302),
        kwargs=checked,
        method="post",
        data=lambda w: {"written-TOTAL_FORMS": "0", "written-INITIAL_FORMS": "0"},
    ),
    "assessments:check_practice_add": Case(
        from_ability("check.record", ok=302), kwargs=checked, method="post", data=lambda w: {"title": "工地夜校"}
    ),
    "assessments:check_practice_send": Case(
        from_ability("check.send_practice", ok=302), kwargs=practice, method="post"
    ),
    "assessments:check_difficulty_add": Case(
        from_ability("check.record", ok=302), kwargs=checked, method="post", data=lambda w: {"text": "工点分散"}
    ),
    "assessments:difficulties": Case(statuses(403, administrator=200, reviewer=200)),
    "assessments:difficulty_answer": Case(
        from_ability("difficulty.answer", ok=302),
        kwargs=difficulty,
        method="post",
        data=lambda w: {"answer": "同意"},
    ),
    "assessments:evidence_upload": Case(
        from_ability("scorecard.fill", ok=302),
        kwargs=_line(draft),
        method="post",
        data=lambda w: {"file": SimpleUploadedFile("会议记录.pdf", b"%PDF-1.4 record")},
    ),
    "assessments:evidence": Case(VIEW, kwargs=evidence),
    "assessments:evidence_delete": Case(SELF_POST, kwargs=evidence, method="post"),
}
