"""Role × URL table of the dues app (see tests/url_table.py)."""

from tests.dues.factories import MONTH, closed_month, entry_in
from tests.url_table import Case, statuses

# Branch A's ledger: its readers (administrator, reviewer, A's secretary); a plain member of A
# gets 403 (A is in their scope), another branch's secretary and the outsider 404.
READ_A = statuses(200, member=403, secretary_b=404, outsider=404)
# Keeping A's ledger: A's secretary (and organising member) only.
KEEP_A = statuses(403, secretary_a=200, secretary_b=404, outsider=404)
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
    "dues:member": Case(READ_A, kwargs=lambda w: {"pk": entry_in(w.branch_a).member_id}),
    "dues:current": Case(
        statuses(302, member=403, secretary_b=404, outsider=404), kwargs=lambda w: {"pk": w.branch_a.pk}
    ),
    "dues:month": Case(READ_A, kwargs=_a_month_with_entry),
    "dues:export": Case(READ_A, kwargs=_a_month_with_entry),
    "dues:import": Case(KEEP_A, kwargs=_a_month),
    "dues:close": Case(KEEP_A | {"secretary_a": 302}, kwargs=_a_month, method="post"),
    "dues:reopen": Case(statuses(403, administrator=200, secretary_b=404, outsider=404), kwargs=_a_closed_month),
}
