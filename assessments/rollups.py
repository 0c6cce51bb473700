# ruff: noqa: S608 - the SQL built here interpolates only table and column names and integer ids
"""The dashboard's roll-ups of final cards (``models.rollups``): written, moved, rebuilt, read.

Every write is one ``INSERT … SELECT … ON CONFLICT DO UPDATE`` that adds (or, with ``sign``
−1, takes away) a card's or a subtree's sums, on PostgreSQL and SQLite alike. Rows are
written in (unit, year, quarter, article) order, so two cards finalised at once under the same
committee lock its rows in the same order and wait for each other instead of deadlocking.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, DecimalField, F, QuerySet, Value, When
from django.db.models.functions import Coalesce

from branches.models import Organisation
from branches.selectors import under_path
from config.baked import Baked

from .models import ArticleRollup, QuarterRollup, Scorecard, ScorecardLine, ScorecardStatus

ARTICLES = ArticleRollup._meta.db_table
QUARTERS = QuarterRollup._meta.db_table
LINES = ScorecardLine._meta.db_table
CARDS = Scorecard._meta.db_table
ORGS = Organisation._meta.db_table
FINAL = ScorecardStatus.FINAL.value
SUM_FIELD = DecimalField(max_digits=14, decimal_places=2)

ARTICLE_COLUMNS = (
    "lines",
    "max_sum",
    "self_sum",
    "review_sum",
    "review_points",
    "self_deducted",
    "review_deducted",
)
QUARTER_COLUMNS = ("cards", "reviewed_cards", "self_sum", "review_sum")

# The sums of a set of final lines (aliases l: line, c: card), in ARTICLE_COLUMNS order.
LINE_SUMS = (
    "COUNT(*)",
    "SUM(l.max_score)",
    "SUM(l.self_score)",
    "COALESCE(SUM(l.review_score), 0)",
    "COALESCE(SUM(l.max_score - l.review_score), 0)",
    "SUM(CASE WHEN l.self_score < l.max_score THEN 1 ELSE 0 END)",
    "SUM(CASE WHEN l.review_score < l.max_score THEN 1 ELSE 0 END)",
)
CARD_SUMS = ("COUNT(*)", "COUNT(c.review_total)", "SUM(c.self_total)", "COALESCE(SUM(c.review_total), 0)")


def strict_ancestors(path: str) -> list[int]:
    """ "/1/4/9/" → [1, 4]: the units whose roll-ups a card of unit 9 counts in."""
    return [int(part) for part in path.strip("/").split("/") if part][:-1]


def _upsert(table: str, keys: tuple[str, ...], columns: tuple[str, ...], select: str) -> str:
    names = ", ".join((*keys, *columns))
    added = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    return f"INSERT INTO {table} ({names}) {select} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {added}"


def _signed(sums: Iterable[str], sign: int) -> str:
    return ", ".join(f"{sign} * {s}" if sign != 1 else s for s in sums)


def _units_in(units: list[int]) -> str:
    return ", ".join(str(int(u)) for u in units)


def _add_card(card_id: int, units: list[int], sign: int) -> None:
    if not units:
        return
    unit_list = _units_in(units)
    article_select = (
        f"SELECT u.id, c.year, c.quarter, l.article_id, {_signed(LINE_SUMS, sign)}"
        f" FROM {LINES} l JOIN {CARDS} c ON c.id = l.scorecard_id JOIN {ORGS} u ON u.id IN ({unit_list})"
        " WHERE c.id = %s GROUP BY u.id, c.year, c.quarter, l.article_id ORDER BY u.id, l.article_id"
    )
    quarter_select = (
        f"SELECT u.id, c.year, c.quarter, {_signed(CARD_SUMS, sign)}"
        f" FROM {CARDS} c JOIN {ORGS} u ON u.id IN ({unit_list})"
        " WHERE c.id = %s GROUP BY u.id, c.year, c.quarter ORDER BY u.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _upsert(ARTICLES, ("unit_id", "year", "quarter", "article_id"), ARTICLE_COLUMNS, article_select), [card_id]
        )
        cursor.execute(_upsert(QUARTERS, ("unit_id", "year", "quarter"), QUARTER_COLUMNS, quarter_select), [card_id])
        if sign < 0:
            _drop_empty(cursor, units)


def _drop_empty(cursor, units: list[int]) -> None:
    unit_list = _units_in(units)
    cursor.execute(f"DELETE FROM {ARTICLES} WHERE unit_id IN ({unit_list}) AND lines = 0")
    cursor.execute(f"DELETE FROM {QUARTERS} WHERE unit_id IN ({unit_list}) AND cards = 0")


def card_finalised(card: Scorecard) -> None:
    """Adds a card that has just become final to the roll-ups of every unit above its branch;
    call it inside the transaction that finalises the card."""
    _add_card(card.pk, strict_ancestors(_branch_path(card)), 1)


def card_left_final(card: Scorecard) -> None:
    """Takes a card that was final and no longer is out of the roll-ups; call it inside the
    transaction that changes its status (its lines must still hold the final scores)."""
    _add_card(card.pk, strict_ancestors(_branch_path(card)), -1)


def _branch_path(card: Scorecard) -> str:
    return Organisation.objects.values_list("path", flat=True).get(pk=card.branch_id)


def subtree_moved(*, unit_id: int, old_path: str, new_path: str) -> None:
    """A subtree moved: what it holds (its root's roll-up plus the root's own final cards)
    leaves the units it no longer lies under and joins those it now does."""
    old, new = set(strict_ancestors(old_path)), set(strict_ancestors(new_path))
    for units, sign in ((sorted(old - new), -1), (sorted(new - old), 1)):
        if units:
            _add_subtree(unit_id, units, sign)


def _add_subtree(unit_id: int, units: list[int], sign: int) -> None:
    unit_list = _units_in(units)
    own_lines = (
        f"SELECT c.year, c.quarter, l.article_id, {', '.join(LINE_SUMS)} FROM {LINES} l"
        f" JOIN {CARDS} c ON c.id = l.scorecard_id WHERE c.branch_id = %s AND c.status = '{FINAL}'"
        " GROUP BY c.year, c.quarter, l.article_id"
    )
    held_articles = f"SELECT year, quarter, article_id, {', '.join(ARTICLE_COLUMNS)} FROM {ARTICLES} WHERE unit_id = %s"
    article_select = (
        f"SELECT u.id, d.year, d.quarter, d.article_id, {_signed((f'SUM(d.{c})' for c in ARTICLE_COLUMNS), sign)}"
        f" FROM ({held_articles} UNION ALL {own_lines}) d JOIN {ORGS} u ON u.id IN ({unit_list})"
        " WHERE 1 = 1 GROUP BY u.id, d.year, d.quarter, d.article_id ORDER BY u.id, d.year, d.quarter, d.article_id"
    )
    own_cards = (
        f"SELECT c.year, c.quarter, {', '.join(CARD_SUMS)} FROM {CARDS} c"
        f" WHERE c.branch_id = %s AND c.status = '{FINAL}' GROUP BY c.year, c.quarter"
    )
    held_quarters = f"SELECT year, quarter, {', '.join(QUARTER_COLUMNS)} FROM {QUARTERS} WHERE unit_id = %s"
    quarter_select = (
        f"SELECT u.id, d.year, d.quarter, {_signed((f'SUM(d.{c})' for c in QUARTER_COLUMNS), sign)}"
        f" FROM ({held_quarters} UNION ALL {own_cards}) d JOIN {ORGS} u ON u.id IN ({unit_list})"
        " WHERE 1 = 1 GROUP BY u.id, d.year, d.quarter ORDER BY u.id, d.year, d.quarter"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _upsert(ARTICLES, ("unit_id", "year", "quarter", "article_id"), ARTICLE_COLUMNS, article_select),
            [unit_id, unit_id],
        )
        cursor.execute(
            _upsert(QUARTERS, ("unit_id", "year", "quarter"), QUARTER_COLUMNS, quarter_select), [unit_id, unit_id]
        )
        if sign < 0:
            _drop_empty(cursor, units)


# --- rebuilding from the lines ----------------------------------------------------------


def rebuild_unit(unit_id: int, path: str) -> None:
    """Recomputes one unit's roll-ups from the final lines below it (its own cards left out),
    in one transaction: idempotent, whatever the rows held before. Plain SQL on the tables,
    so the data migration can call it too."""
    below = path + "%"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ARTICLES} WHERE unit_id = %s", [unit_id])
        cursor.execute(f"DELETE FROM {QUARTERS} WHERE unit_id = %s", [unit_id])
        cursor.execute(
            f"INSERT INTO {ARTICLES} (unit_id, year, quarter, article_id, {', '.join(ARTICLE_COLUMNS)})"
            f" SELECT %s, c.year, c.quarter, l.article_id, {', '.join(LINE_SUMS)}"
            f" FROM {LINES} l JOIN {CARDS} c ON c.id = l.scorecard_id JOIN {ORGS} b ON b.id = c.branch_id"
            f" WHERE b.path LIKE %s AND b.id <> %s AND c.status = '{FINAL}'"
            " GROUP BY c.year, c.quarter, l.article_id",
            [unit_id, below, unit_id],
        )
        cursor.execute(
            f"INSERT INTO {QUARTERS} (unit_id, year, quarter, {', '.join(QUARTER_COLUMNS)})"
            f" SELECT %s, c.year, c.quarter, {', '.join(CARD_SUMS)}"
            f" FROM {CARDS} c JOIN {ORGS} b ON b.id = c.branch_id"
            f" WHERE b.path LIKE %s AND b.id <> %s AND c.status = '{FINAL}'"
            " GROUP BY c.year, c.quarter",
            [unit_id, below, unit_id],
        )


def units_above(branch_paths: Iterable[str]) -> set[int]:
    """The units above the given branches: those whose roll-ups their cards count in."""
    return {unit for path in branch_paths for unit in strict_ancestors(path)}


def rebuild_all() -> int:
    """Every unit's roll-ups from the lines, one unit per transaction; the rows of units with
    nothing final below them any more go. Returns the number of units rebuilt."""
    paths = Scorecard.objects.filter(status=FINAL).values_list("branch__path", flat=True).distinct().order_by()
    units = list(
        Organisation.objects.filter(pk__in=units_above(paths)).order_by("depth", "path").values_list("pk", "path")
    )
    keep = [pk for pk, _path in units]
    ArticleRollup.objects.exclude(unit_id__in=keep).delete()
    QuarterRollup.objects.exclude(unit_id__in=keep).delete()
    for pk, path in units:
        rebuild_unit(pk, path)
    return len(units)


# --- reading ------------------------------------------------------------------------------


def quarter_article_rows(root: Organisation, *, year: int, quarter: int) -> list[dict]:
    """Per article, the quarter's final lines below ``root`` (itself included): sums of max
    (``m``), self (``s``) and review score (``r``), points the review deducted, lines deducted
    and lines in all (``cards``: a card has one line per article) — ``root``'s roll-up plus
    ``root``'s own final card, in one query of at most two rows per article."""
    rows: dict[str, dict] = {}
    found = ARTICLE_ROWS.rows(unit=root.pk, year=year, quarter=quarter)
    for code, title, line, m, s, r, points, deducted, lines in found:
        row = rows.setdefault(
            code,
            {"code": code, "title": title, "line": line, "m": Decimal(0), "s": Decimal(0), "r": Decimal(0)}
            | {"points": Decimal(0), "lines": 0, "cards": 0},
        )
        row["m"] += Decimal(m)
        row["s"] += Decimal(s)
        row["r"] += Decimal(r)
        row["points"] += Decimal(points)
        row["lines"] += deducted
        row["cards"] += lines
    return list(rows.values())


def article_rows_query(root: Organisation, *, year: int, quarter: int) -> QuerySet:
    """The one query of ``quarter_article_rows``: ``root``'s article roll-ups, then the lines
    of ``root``'s own final card, as (code, title, line, max, self, review, points, deducted
    lines, lines)."""
    return _article_rows(unit=root.pk, year=year, quarter=quarter)


def _article_rows(*, unit: int, year: int, quarter: int) -> QuerySet:
    article = ("article__code", "article__title", "article__line")
    rolled = (
        ArticleRollup.objects.filter(unit_id=unit, year=year, quarter=quarter)
        .values_list(*article, "max_sum", "self_sum", "review_sum", "review_points", "review_deducted", "lines")
        .order_by()
    )
    own = (
        ScorecardLine.objects.filter(
            scorecard__branch_id=unit, scorecard__year=year, scorecard__quarter=quarter, scorecard__status=FINAL
        )
        .annotate(
            r=Coalesce("review_score", Value(Decimal(0)), output_field=SUM_FIELD),
            points=Coalesce(F("max_score") - F("review_score"), Value(Decimal(0)), output_field=SUM_FIELD),
            deducted=Case(When(review_score__lt=F("max_score"), then=Value(1)), default=Value(0)),
            one=Value(1),
        )
        .values_list(*article, "max_score", "self_score", "r", "points", "deducted", "one")
        .order_by()
    )
    return rolled.union(own, all=True)


ARTICLE_ROWS = Baked(_article_rows)


NOT_FINAL = [s for s in ScorecardStatus.values if s != FINAL]


def _average_rows(*, unit: int, path: str) -> QuerySet:
    """``quarter_averages``' query: the unit's quarter roll-ups, its own final cards, and the
    quarters of the cards below it not final yet."""
    rolled = QuarterRollup.objects.filter(unit_id=unit).values_list("year", "quarter", *QUARTER_COLUMNS).order_by()
    own = (
        Scorecard.objects.filter(branch_id=unit, status=FINAL)
        .annotate(
            one=Value(1),
            reviewed=Case(When(review_total__isnull=False, then=Value(1)), default=Value(0)),
            review=Coalesce("review_total", Value(Decimal(0)), output_field=SUM_FIELD),
        )
        .values_list("year", "quarter", "one", "reviewed", "self_total", "review")
        .order_by()
    )
    zero = Value(Decimal(0), output_field=SUM_FIELD)
    open_quarters = (
        Scorecard.objects.filter(under_path(path, via="branch__path"), status__in=NOT_FINAL)
        .annotate(n=Value(0), reviewed=Value(0), s=zero, r=zero)
        .values_list("year", "quarter", "n", "reviewed", "s", "r")
        .distinct()
        .order_by()
    )
    return rolled.union(own, open_quarters, all=True)


AVERAGE_ROWS = Baked(_average_rows)


def quarter_averages(root: Organisation) -> dict[tuple[int, int], tuple[float | None, int]]:
    """(year, quarter) → (the final cards' average review score, rounded to 2 places, or None;
    how many final cards) for every quarter with a card below ``root`` (itself included), in
    one query: ``root``'s quarter roll-ups, its own final cards, and the quarters of the cards
    not final yet (by the status index: few, and no line read)."""
    found = AVERAGE_ROWS.rows(unit=root.pk, path=root.path)
    sums: dict[tuple[int, int], list] = {}
    for year, quarter, cards, reviewed, _self_sum, review_sum in found:
        row = sums.setdefault((year, quarter), [0, 0, Decimal(0)])
        row[0] += cards
        row[1] += reviewed
        row[2] += Decimal(review_sum)
    return {
        key: (round(float(review / reviewed), 2) if cards and reviewed else None, cards)
        for key, (cards, reviewed, review) in sums.items()
    }
