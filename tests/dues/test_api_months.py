"""Closing and reopening a branch's month of the dues ledger over the API, as on the pages."""

from django.urls import reverse
from rest_framework.test import APIClient

from dues.models import DuesMonth
from tests.conftest import World
from tests.dues.factories import MONTH, closed_month, entry_in


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _post(user, name: str, branch, **extra):
    body = {"branch": branch.pk, "month": f"{MONTH:%Y-%m}", **extra}
    return _api(user).post(reverse(f"api:dues-month-{name}"), body, format="json")


def test_the_secretary_closes_the_month_and_no_entry_is_written_after(world: World) -> None:
    entry = entry_in(world.branch_a)
    response = _post(world.secretary_a, "close", world.branch_a)
    assert response.status_code == 200, response.content
    assert (response.json()["month"], response.json()["is_closed"]) == (f"{MONTH:%Y-%m}", True)
    again = _post(world.secretary_a, "close", world.branch_a)
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "党费台账本月已结账。"
    url = reverse("api:dues-entry-detail", kwargs={"pk": entry.pk})
    assert _api(world.secretary_a).patch(url, {"amount_paid": "48.00"}, format="json").status_code == 409


def test_closing_is_refused_outside_the_scope_and_without_the_role(world: World) -> None:
    assert _post(world.secretary_b, "close", world.branch_a).status_code == 404
    assert _post(world.reviewer, "close", world.branch_a).status_code == 403
    assert _post(world.member, "close", world.branch_a).status_code == 403
    bad = _api(world.secretary_a).post(
        reverse("api:dues-month-close"), {"branch": world.branch_a.pk, "month": "2026-13"}, format="json"
    )
    assert bad.status_code == 400
    assert "month" in bad.json()["error"]["fields"]
    assert not DuesMonth.objects.exists()


def test_the_administrator_reopens_a_closed_month_with_a_reason(world: World) -> None:
    closed_month(world.branch_a)
    no_reason = _post(world.administrator, "reopen", world.branch_a, reason="")
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["error"]["fields"]
    assert _post(world.secretary_a, "reopen", world.branch_a, reason="补录").status_code == 403
    assert _post(world.secretary_b, "reopen", world.branch_a, reason="补录").status_code == 404
    response = _post(world.administrator, "reopen", world.branch_a, reason="补录漏记的党费")
    assert response.status_code == 200, response.content
    assert (response.json()["is_closed"], response.json()["reopen_reason"]) == (False, "补录漏记的党费")
    again = _post(world.administrator, "reopen", world.branch_a, reason="补录")
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "党费台账本月尚未结账。"


def test_the_list_holds_the_months_of_the_ledgers_the_user_reads(world: World) -> None:
    in_a, in_b = closed_month(world.branch_a), closed_month(world.branch_b)
    ids = {row["id"] for row in _api(world.reviewer).get(reverse("api:dues-month-list")).json()["results"]}
    assert ids == {in_a.pk, in_b.pk}
    ids = {row["id"] for row in _api(world.secretary_a).get(reverse("api:dues-month-list")).json()["results"]}
    assert ids == {in_a.pk}
    assert _api(world.member).get(reverse("api:dues-month-list")).status_code == 403
