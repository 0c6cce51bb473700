"""The living demo: four past quarters reviewed and final, one card returned and resubmitted,
rectification items open and closed, grades across the range, the current quarter in progress."""

from assessments import demo as assessments_demo
from assessments.models import RectificationItem, Scorecard, UpgradePlan
from assessments.services.scorecards import current_quarter
from branches import demo as branches_demo


def test_the_demo_tells_a_story_and_runs_twice(db):
    world = branches_demo.seed()
    assessments_demo.seed(world)
    final = Scorecard.objects.filter(status="final")
    assert final.values("year", "quarter").distinct().count() == 4
    assert final.filter(times_returned=1).exists()
    assert len(set(final.values_list("grade", flat=True))) >= 3
    assert RectificationItem.objects.filter(status="open").exists()
    assert RectificationItem.objects.filter(status="closed").exists()
    assert UpgradePlan.objects.exists()
    year, quarter = current_quarter()
    current = set(Scorecard.objects.filter(year=year, quarter=quarter).values_list("status", flat=True))
    assert current == {"draft", "submitted"}
    _the_checks_are_on_record()
    _each_finding_is_under_its_article()
    _every_submitted_card_answers_its_records()
    count = Scorecard.objects.count()
    assessments_demo.seed(world)
    assert Scorecard.objects.count() == count


def _every_submitted_card_answers_its_records() -> None:
    """Strict about the records: each rule counted below them has a reason; one branch gives one
    (the reviewer's side-by-side shows it), the others accepted the suggestions."""
    from assessments.models import ScorecardLine

    reasons = []
    for line in ScorecardLine.objects.exclude(scorecard__status="draft").exclude(claims={}):
        for claim in line.claims.values():
            assert claim["claimed"] >= claim["suggested"] or claim["reason"], (line.pk, claim)
            if claim["reason"]:
                reasons.append((line.scorecard.branch.code, claim["reason"]))
    assert (assessments_demo.EXPLAINS, assessments_demo.EXPLANATION) in reasons


def _the_checks_are_on_record() -> None:
    from assessments.models import CheckRecord, Method, PlanKind

    # No written-test score without the written test (笔试).
    for methods, score in Scorecard.objects.exclude(written_test_score=None).values_list(
        "methods", "written_test_score"
    ):
        assert Method.WRITTEN_TEST in methods, (methods, score)
    year_end = CheckRecord.objects.filter(kind=PlanKind.YEAR_END)
    assert year_end.exists() and not year_end.filter(year_end_score=None).exists()
    assert not year_end.filter(plan_entry=None).exists()
    team = CheckRecord.objects.get(kind=PlanKind.QUARTERLY, scorecard__branch__code="DEMO-P02")
    assert team.team.count() == 3 and team.in_plan
    assert team.written_scores.count() == 3
    practice = team.good_practices.get()
    assert practice.proposal is not None and practice.proposal.field == "new_article"
    assert [d.is_open for d in team.difficulties.order_by("pk")] == [False, True]


def _each_finding_is_under_its_article() -> None:
    """A finding names what the team saw under that article (one of its deduction rules) and
    a suggestion written for it (the article's own standard); no two articles share one."""
    import re

    from assessments.models import Finding

    findings = list(Finding.objects.select_related("article").prefetch_related("article__deductions"))
    assert findings
    suggestions = set()
    for finding in findings:
        rules = [rule.description for rule in finding.article.deductions.all()]
        seen = re.sub(r"（\d+处）$", "", finding.problem)
        assert any(rule.startswith(seen) for rule in rules) or finding.article.title in seen, (
            finding.article.code,
            finding.problem,
        )
        assert f"第{finding.article.code}条" in finding.suggestion
        assert not re.search(r"[\u4e00-\u9fff][,;:()]", finding.problem + finding.suggestion)
        suggestions.add(finding.suggestion)
    assert len(suggestions) == len({f.article_id for f in findings})
