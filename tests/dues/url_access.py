"""Role × URL table of the dues app (see tests/url_table.py)."""

from tests.dues.factories import MONTH, closed_month, entry_in
from tests.url_table import Case, from_ability, statuses

# Lists across the user's branches: anyone reading some ledger.
READERS = statuses(200, member=403, outsider=403)


def _a_month(world: object) -> dict[str, int]:
    return {"pk": world.branch_a.pk, "year": MONTH.year, "month": MONTH.month}


def _a_month_with_entry(world: object) -> dict[str, int]:
    entry_in(world.branch_a)
    return _a_month(world)


def _a_closed_month(world: object) -> dict[str, int]:
    closed_month(world.branch_a)
    return _a_month(world)


URLS = {
    "dues:branches": Case(READERS),
    "dues:arrears": Case(READERS),
    "dues:mine": Case(statuses(200)),
    "dues:member": Case(from_ability("dues.member_view"), kwargs=lambda w: {"pk": entry_in(w.branch_a).member_id}),
    "dues:current": Case(from_ability("dues.view", ok=302), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "dues:month": Case(from_ability("dues.view"), kwargs=_a_month_with_entry),
    "dues:export": Case(from_ability("dues.view"), kwargs=_a_month_with_entry),
    "dues:import": Case(from_ability("dues.keep"), kwargs=_a_month),
    "dues:close": Case(from_ability("dues.keep", ok=302), kwargs=_a_month, method="post"),
    "dues:reopen": Case(from_ability("dues.reopen"), kwargs=_a_closed_month),
}
