"""Role × URL table of the development files (see tests/url_table.py): derived from
development/permissions.py — a plain member of A sees nothing of the files (403)."""

from tests.url_table import Case, from_ability, statuses


def _file_in_a(world: object) -> dict[str, int]:
    from tests.development.files import new_file

    return {"pk": new_file(world.branch_a).pk}


def _talk_in_a(world: object) -> dict[str, object]:
    return {**_file_in_a(world), "kind": "talk"}


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


URLS = {
    "development:index": Case(statuses(302, member=403, outsider=403)),
    "development:unit": Case(from_ability("development.list"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "development:create": Case(from_ability("development.open"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "development:detail": Case(from_ability("development.view"), kwargs=_file_in_a),
    "development:record": Case(from_ability("development.keep"), kwargs=_talk_in_a),
    "development:close": Case(
        from_ability("development.keep", ok=302),
        kwargs=_file_in_a,
        method="post",
        data=lambda w: {"on": _today(), "reason": "调离"},
    ),
}
