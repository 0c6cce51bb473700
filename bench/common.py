"""Shared by the benchmark scripts: Django set-up and the row format `make bench` prints.

A benchmark script is run as ``python bench/NAME.py [--json]``. With ``--json`` its last line
of output is a JSON list of rows: figure, value, unit, target, baseline, ratio.
"""

import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    figure: str
    value: float
    unit: str
    target: str = ""
    baseline: float | None = None
    ratio: float | None = None


def setup_django() -> None:
    """Boots Django for a benchmark: DATABASE_URL if set, else a throw-away SQLite file."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "0"
    if not os.environ.get("DATABASE_URL"):
        var = ROOT / "var" / "bench"
        var.mkdir(parents=True, exist_ok=True)
        os.environ["VAR_DIR"] = str(var)
        for suffix in ("", "-wal", "-shm"):
            (var / f"db.sqlite3{suffix}").unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def emit(rows: list[Row], *, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps([asdict(r) for r in rows], ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_table(rows) + "\n")


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"


def format_table(rows: list[Row]) -> str:
    header = ["figure", "value", "target", "baseline", "ratio"]
    body = [[r.figure, f"{_fmt(r.value)} {r.unit}".strip(), r.target, _fmt(r.baseline), _fmt(r.ratio)] for r in rows]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in [header, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
