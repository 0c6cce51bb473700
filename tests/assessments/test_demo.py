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
    count = Scorecard.objects.count()
    assessments_demo.seed(world)
    assert Scorecard.objects.count() == count
