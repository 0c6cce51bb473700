"""The demo keeps development files at different stages in 一标, one of them on the roster."""

from branches import demo as branches_demo
from development import demo as development_demo
from development.models import Candidate
from members import demo as members_demo
from members.models import Category


def test_the_demo_has_files_at_different_stages_and_runs_twice(db) -> None:
    world = branches_demo.seed()
    members_demo.seed(world)
    development_demo.seed(world)
    files = Candidate.objects.filter(branch__code="DEMO-P01")
    assert set(files.values_list("stage", flat=True)) == {"applicant", "activist", "probationary"}
    probationary = files.get(stage="probationary")
    assert probationary.member.category == Category.PROBATIONARY and probationary.sponsors.count() == 2
    development_demo.seed(world)
    assert Candidate.objects.count() == 3
