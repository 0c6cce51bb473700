"""Where the page, the API and the services used to disagree about who may do what, they
now read one ability table; each case here failed before the tables."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import ScoreChange
from assessments.selectors import shows_review
from branches.models import Role, RoleAssignment
from branches.services import role_revoke
from tests.factories import RECORDS_REASON, first_rule_counts, open_scorecard, submit_card

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def submitted(world, default_edition):
    card = open_scorecard(world.branch_a, deadline=dt.date(2099, 1, 10))
    return submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)


def _review_a_line(client, card):
    line = card.lines.select_related("article").order_by("article__code").first()
    counts = {f"count-{k}": v for k, v in first_rule_counts(line).items()}
    response = client.post(
        reverse("assessments:review_line_save", args=[card.pk, line.pk]), counts | {"version": card.version}, **HTMX
    )
    assert response.status_code == 200


def test_the_history_shows_review_changes_to_whoever_sees_the_review_scores(submitted, world, as_role):
    _review_a_line(as_role("reviewer"), submitted)
    assert ScoreChange.objects.filter(scorecard=submitted, side="review").exists()
    url = reverse("assessments:history", args=[submitted.pk])
    for role, user in (("administrator", world.administrator), ("secretary_a", world.secretary_a)):
        page = as_role(role).get(url)
        sees = shows_review(user, submitted)
        review_rows = [c for c in page.context["changes"] if c.side == "review"]
        # The card page and its history give one answer: the administrator sees the review,
        # the branch does not before it is final.
        assert bool(review_rows) == sees, role
    assert shows_review(world.administrator, submitted) and not shows_review(world.secretary_a, submitted)


def test_an_administrator_cannot_revoke_their_own_administrator_role_through_the_service(world) -> None:
    own = RoleAssignment.objects.get(user=world.administrator, role=Role.ADMINISTRATOR)
    with pytest.raises(ValidationError, match="own administrator role"):
        role_revoke(assignment=own, by=world.administrator)
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
    # Someone else may: the rule is about oneself.
    role_revoke(assignment=own, by=None)
    assert not RoleAssignment.objects.filter(pk=own.pk).exists()


def test_the_page_refuses_a_self_revoke_with_the_services_message(world, as_role) -> None:
    own = RoleAssignment.objects.get(user=world.administrator, role=Role.ADMINISTRATOR)
    url = reverse("branches:role_revoke", args=[world.committee.pk, own.pk])
    response = as_role("administrator").post(url, follow=True)
    assert "own administrator role" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
