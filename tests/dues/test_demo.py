"""The demo's dues: a year for whoever is on the demo roll, one member in arrears; none with
an empty roll; twice is once."""

import datetime as dt

from branches import demo as branches_demo
from branches.models import Organisation
from dues import demo as dues_demo
from dues import selectors
from dues.models import DuesEntry, DuesMonth
from tests.factories import MemberFactory

TODAY = dt.date(2026, 11, 20)


def test_the_demo_adds_nothing_with_an_empty_roll(db):
    world = branches_demo.seed()
    dues_demo.seed(world, today=TODAY)
    assert not DuesEntry.objects.exists()


def test_the_demo_keeps_a_year_with_one_member_in_arrears_and_runs_twice(db):
    world = branches_demo.seed()
    for code in ("DEMO-P01", "DEMO-P02", "DEMO-B01"):
        branch = Organisation.objects.get(code=code)
        for i in range(10):
            MemberFactory(branch=branch, name=f"{code}党员{i:02d}")
    dues_demo.seed(world, today=TODAY)
    assert DuesEntry.objects.count() == 30 * 13
    owing = list(selectors.arrears_members(world.users["admin"], today=TODAY))
    assert [(m.name, m.months_owed) for m in owing] == [("DEMO-P01党员00", 3)]
    assert DuesEntry.objects.exclude(override_reason="").count() == 13
    assert DuesMonth.objects.filter(closed_at__isnull=False, month=dt.date(2026, 9, 1)).count() == len(
        [b for b in world.branches if b.status == "active"]
    )
    assert not DuesMonth.objects.filter(month=dt.date(2026, 10, 1)).exists()
    dues_demo.seed(world, today=TODAY)
    assert DuesEntry.objects.count() == 30 * 13
