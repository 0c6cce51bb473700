"""Validating a roster file in full, then writing it in one go.

django-import-export's per-row machinery (one ``get_or_create`` style lookup, one
``full_clean`` and one save per row) runs at a few hundred rows a second; the roster
import needs thousands. So rows are parsed with the column table in ``columns``, all
lookups are done in bulk (branches once, existing members by chunks of ID numbers), the
model's own ``clean()`` still decides the cross-field rules, and writes are bulk
statements inside one transaction. django-import-export provides the Resource that
defines the template and the export (see ``resource``).
"""

import datetime as dt
import functools
import gc
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Organisation, OrgKind, OrgStatus
from branches.selectors import in_subtree

from .. import id_numbers
from ..models import ID_NUMBER_REASONS, Member, MemberStatus
from . import columns as C
from . import writer
from .reader import FileRefused, iter_rows

# How many errors are kept in full; beyond that only the count grows.
MAX_REPORTED_ERRORS = 5000
_CHUNK = 900  # below SQLite's 999 bound parameters
_COMPARED = tuple(f for f in C.MEMBER_FIELDS)
_FIELD_HEADER = {c.field: c.header for c in C.COLUMNS} | {"branch_id": "所在支部"}
_DEFAULTS: dict[str, object] = {
    "ethnicity": "汉族",
    "phone": "",
    "education": "",
    "post": "",
    "full_member_on": None,
    "status": MemberStatus.ON_ROLL.value,
    "flowing_to": "",
    "is_union_member": False,
    "is_league_member": False,
    "birth_date": None,
}


def _without_gc(function: Callable) -> Callable:
    """Tens of thousands of row dicts, none in a reference cycle, make the cyclic garbage
    collector run over and over for nothing (a fifth of a large check's time): it is
    paused for the call and resumed after, as it was."""

    @functools.wraps(function)
    def wrapper(*args: object, **kwargs: object) -> object:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return wrapper


@dataclass
class Plan:
    """What a file would do: counts, every bad row, and the rows ready to write."""

    total: int = 0
    error_count: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    creates: list[dict[str, object]] = field(default_factory=list)
    # Row numbers of ``creates``, whose rules need no second check when the plan is
    # re-checked and the row is still new.
    checked_new: set[int] = field(default_factory=set, repr=False)
    updates: list[tuple[int, dict[str, object], int]] = field(default_factory=list)  # pk, values, old branch
    unchanged: int = 0
    present_fields: tuple[str, ...] = ()
    # The column that names the branch (the code wins when the file has both).
    branch_header: str = "所在支部"
    # The parsed rows and the file-level errors, kept so that the plan can be re-checked
    # against the database inside the writing transaction without reading the file again.
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list, repr=False)
    parse_errors: list[dict[str, object]] = field(default_factory=list, repr=False)
    parse_error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "column": column, "message": str(message)})

    def summary(self) -> dict[str, int]:
        return {
            "total": self.total,
            "new": len(self.creates),
            "updated": len(self.updates),
            "unchanged": self.unchanged,
            "bad_rows": len({e["row"] for e in self.errors}),
            "errors": self.error_count,
        }


class _Branches:
    """The branches a file may name: those below the import's organisation, loaded once."""

    def __init__(self, scope: Organisation) -> None:
        rows = Organisation.objects.filter(in_subtree(scope), kind=OrgKind.BRANCH).values_list(
            "pk", "code", "name", "status"
        )
        self.by_code: dict[str, tuple[int, str]] = {}
        self.by_name: dict[str, list[tuple[int, str]]] = {}
        for pk, code, name, status in rows:
            self.by_code[code.strip()] = (pk, status)
            self.by_name.setdefault(name.strip(), []).append((pk, status))

    def resolve(self, name: str, code: str) -> tuple[int | None, str | None, str]:
        """(branch pk, error, header): a code wins over a name when both are given."""
        if code:
            found = self.by_code.get(code)
            if found is None:
                return None, _("No branch with this code below the organisation you import into."), "支部编码"
            header = "支部编码"
        elif name:
            matches = self.by_name.get(name, [])
            if not matches:
                return None, _("No branch with this name below the organisation you import into."), "所在支部"
            if len(matches) > 1:
                return None, _("Several branches have this name: give the branch code (支部编码)."), "所在支部"
            found = matches[0]
            header = "所在支部"
        else:
            return None, _("Name the branch (所在支部 or 支部编码)."), "所在支部"
        # A dissolved branch is refused only for a member joining it (see _classify): an
        # export lists the members who stayed in its history, and must re-import unchanged.
        return found[0], None, header


def _read_header(plan: Plan, number: int, values: tuple[object, ...]) -> dict[int, C.Column]:
    index: dict[int, C.Column] = {}
    seen: dict[str, int] = {}
    for i, raw in enumerate(values):
        header = C.normalise_header(raw)
        if not header:
            continue
        if header in seen:
            plan.add_error(number, header, _("This column appears twice."))
            continue
        seen[header] = i
        column = C.BY_HEADER.get(header)
        if column is None:
            plan.notices.append(
                _("The column “%(header)s” is not part of the roster and was ignored.") % {"header": header}
            )
        else:
            index[i] = column
    for header in C.REQUIRED_HEADERS:
        if header not in seen:
            plan.add_error(number, header, _("This column is missing."))
    if not any(h in seen for h in C.BRANCH_HEADERS):
        plan.add_error(number, "所在支部", _("This column is missing."))
    return index


def _parse_row(
    plan: Plan, number: int, values: tuple[object, ...], index: dict[int, C.Column], branches: _Branches
) -> dict[str, object] | None:
    row: dict[str, object] = {}
    bad = False
    for i, column in index.items():
        value = values[i] if i < len(values) else None
        try:
            parsed = column.parse(value)
        except C.CellError as exc:
            plan.add_error(number, column.header, str(exc.args[0]))
            bad = True
            continue
        if column.max_length and isinstance(parsed, str) and len(parsed) > column.max_length:
            plan.add_error(number, column.header, _("At most %(n)d characters are allowed.") % {"n": column.max_length})
            bad = True
            continue
        row[column.field] = parsed
    for column in C.COLUMNS:
        if column.required and column.field in row and row[column.field] in ("", None):
            plan.add_error(number, column.header, _("This cell is required."))
            bad = True
    if row.get("id_number"):
        try:
            row["id_number"] = id_numbers.validate(str(row["id_number"]))
        except id_numbers.InvalidIdNumber as exc:
            plan.add_error(number, "身份证号", str(ID_NUMBER_REASONS[str(exc)]))
            bad = True
    branch_id, error, header = branches.resolve(str(row.pop("branch_name", "")), str(row.pop("branch_code", "")))
    if error:
        plan.add_error(number, header, error)
        bad = True
    row["branch_id"] = branch_id
    return None if bad else row


def _cross_check(plan: Plan, number: int, values: dict[str, object]) -> Member | None:
    """The model's own cross-field rules (Member.clean), so they live in one place."""
    if values.get("birth_date") is None and values.get("id_number"):
        values["birth_date"] = id_numbers.birth_date_of(str(values["id_number"]))
    member = Member(**values)
    try:
        member.clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                plan.add_error(number, _FIELD_HEADER.get(name, name), message)
        return None
    return member


_DATE_FIELDS = ("birth_date", "joined_on", "full_member_on")


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def dump(plan: Plan) -> bytes:
    """A clean plan's parsed rows, so that the commit need not parse the workbook again:
    a JSON header line, then one JSON array per row (values in the header's key order),
    which keeps the copy small while it is written."""
    keys = sorted({k for _n, row in plan.rows[:1] for k in row})
    header = {
        "total": plan.total,
        "notices": plan.notices,
        "present": list(plan.present_fields),
        "branch_header": plan.branch_header,
        "checked_new": sorted(plan.checked_new),
        "keys": keys,
    }
    lines = [json.dumps(header, ensure_ascii=False)]
    lines += [json.dumps([n, *(_plain(row.get(k)) for k in keys)], ensure_ascii=False) for n, row in plan.rows]
    return "\n".join(lines).encode()


@_without_gc
def load(data: bytes) -> Plan:
    """The plan of ``dump``, ready for ``recheck``."""
    lines = data.decode().split("\n")
    header = json.loads(lines[0])
    keys = header["keys"]
    dates = [i for i, k in enumerate(keys) if k in _DATE_FIELDS]
    rows: list[tuple[int, dict[str, object]]] = []
    for line in lines[1:]:
        number, *values = json.loads(line)
        for i in dates:
            if values[i]:
                values[i] = dt.date.fromisoformat(values[i])
        rows.append((int(number), dict(zip(keys, values, strict=True))))
    return Plan(
        total=header["total"],
        notices=header["notices"],
        present_fields=tuple(header["present"]),
        branch_header=header["branch_header"],
        checked_new=set(header["checked_new"]),
        rows=rows,
    )


def _existing(id_list: list[str]) -> dict[str, dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    # psycopg2 binds on the client, so PostgreSQL takes a long list in one statement.
    size = _CHUNK if connection.vendor == "sqlite" else 20 * _CHUNK
    for start in range(0, len(id_list), size):
        chunk = id_list[start : start + size]
        for values in Member.objects.filter(id_number__in=chunk).values("pk", "branch__path", *_COMPARED):
            found[values["id_number"]] = values
    return found


@_without_gc
def validate(handle: BinaryIO, *, scope: Organisation, progress: Callable[[int], None] | None = None) -> Plan:
    """Reads every row and decides new / updated / unchanged / bad; writes nothing.

    Raises FileRefused when the file as a whole cannot be read.
    """
    plan = Plan()
    branches = _Branches(scope)
    rows: list[tuple[int, dict[str, object]]] = []
    first_row_of: dict[str, int] = {}
    index: dict[int, C.Column] | None = None
    for number, values in iter_rows(handle):
        if index is None:
            index = _read_header(plan, number, values)
            if plan.error_count:
                return plan
            present = {c.field for c in index.values()}
            plan.present_fields = (*(present - {"branch_name", "branch_code"}), "branch_id")
            plan.branch_header = "支部编码" if "branch_code" in present else "所在支部"
            continue
        plan.total += 1
        if progress and plan.total % 1000 == 0:
            progress(plan.total)
        row = _parse_row(plan, number, values, index, branches)
        if row is None:
            continue
        id_number = str(row["id_number"])
        if id_number in first_row_of:
            plan.add_error(
                number,
                "身份证号",
                _("This ID number is also on row %(row)d: each member appears once.")
                % {"row": first_row_of[id_number]},
            )
            continue
        first_row_of[id_number] = number
        rows.append((number, row))
    if index is None:
        raise FileRefused(_("The worksheet is empty: the first row must hold the column headers."))
    if plan.total == 0:
        plan.notices.append(_("The file holds no member rows."))
    plan.rows = rows
    plan.parse_errors = list(plan.errors)
    plan.parse_error_count = plan.error_count
    existing = _existing([str(r["id_number"]) for _n, r in rows])
    _classify(plan, rows, existing, scope)
    plan.errors.sort(key=lambda e: e["row"])
    return plan


@_without_gc
def recheck(plan: Plan, *, scope: Organisation) -> Plan:
    """The same file's plan against the database as it is now (call inside the transaction
    that writes): another import or an edit may have happened since the preview."""
    fresh = Plan(
        total=plan.total,
        notices=list(plan.notices),
        present_fields=plan.present_fields,
        branch_header=plan.branch_header,
        rows=plan.rows,
        errors=list(plan.parse_errors),
        error_count=plan.parse_error_count,
        parse_errors=plan.parse_errors,
        parse_error_count=plan.parse_error_count,
    )
    existing = _existing([str(r["id_number"]) for _n, r in plan.rows])
    _classify(fresh, plan.rows, existing, scope, checked=plan.checked_new)
    fresh.errors.sort(key=lambda e: e["row"])
    return fresh


def _classify(
    plan: Plan,
    rows: Iterable[tuple[int, dict[str, object]]],
    existing: dict[str, dict[str, object]],
    scope: Organisation,
    checked: set[int] | None = None,
) -> None:
    checked = checked or set()
    dissolved = set(
        Organisation.objects.filter(in_subtree(scope), kind=OrgKind.BRANCH)
        .exclude(status=OrgStatus.ACTIVE)
        .values_list("pk", flat=True)
    )
    for number, row in rows:
        current = existing.get(str(row["id_number"]))
        if row["branch_id"] in dissolved and (current is None or current["branch_id"] != row["branch_id"]):
            plan.add_error(number, plan.branch_header, _("This branch is dissolved: members cannot be added to it."))
            continue
        if current is None:
            values = _DEFAULTS | row
            if values["birth_date"] is None:
                values["birth_date"] = id_numbers.birth_date_of(str(values["id_number"]))
            if number in checked or _cross_check(plan, number, values) is not None:
                plan.creates.append(values)
                plan.checked_new.add(number)
            continue
        if not str(current["branch__path"]).startswith(scope.path):
            plan.add_error(
                number, "身份证号", _("This ID number belongs to a member of an organisation outside this import.")
            )
            continue
        merged = {k: current[k] for k in _COMPARED} | row
        if row.get("birth_date") is None and "birth_date" in row:
            merged["birth_date"] = current["birth_date"]
        if not _cross_check(plan, number, merged):
            continue
        if all(merged[k] == current[k] for k in _COMPARED):
            plan.unchanged += 1
        else:
            plan.updates.append((int(current["pk"]), merged, int(current["branch_id"])))


@_without_gc
def write(plan: Plan, *, by: object | None = None, on: dt.date | None = None) -> dict[str, int]:
    """Writes a plan with no errors; the caller holds the transaction."""
    if not plan.ok:
        raise ValueError("a plan with errors cannot be written")
    writer.write_members(
        creates=plan.creates,
        updates=plan.updates,
        fields=_COMPARED,
        by_id=getattr(by, "pk", None),
        on=on or timezone.localdate(),
    )
    return {"new": len(plan.creates), "updated": len(plan.updates), "unchanged": plan.unchanged}
