import datetime as dt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.factories import open_scorecard

def test_q(world, default_edition, as_role):
    card = open_scorecard(world.branch_a, deadline=dt.date(2099, 1, 10))
    c = as_role("secretary_a")
    with CaptureQueriesContext(connection) as cap:
        c.get(reverse("assessments:scorecard", args=[card.pk]))
    for q in cap.captured_queries:
        print(q["sql"][:140])
    print(len(cap))
