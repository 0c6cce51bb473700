"""`make bench`: runs every benchmark script under bench/ and prints one table."""

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, format_table

HERE = Path(__file__).resolve().parent
NOT_BENCHMARKS = {
    "__init__.py",
    "common.py",
    "run_all.py",
    "bulk_cards.py",
    "dashboard_cached.py",
}  # helpers of dashboard.py


def main() -> int:
    rows: list[Row] = []
    failed = []
    for script in sorted(p for p in HERE.glob("*.py") if p.name not in NOT_BENCHMARKS):
        sys.stderr.write(f"running {script.name} …\n")
        result = subprocess.run([sys.executable, str(script), "--json"], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            failed.append(script.name)
            sys.stderr.write(result.stdout[-2000:] + result.stderr[-4000:])
            continue
        last = result.stdout.strip().splitlines()[-1]
        rows += [Row(**{**r, "figure": f"{script.stem}: {r['figure']}"}) for r in json.loads(last)]
    sys.stdout.write(format_table(rows) + "\n")
    if failed:
        sys.stderr.write(f"failed: {', '.join(failed)}\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
