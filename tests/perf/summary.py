"""`make bench`'s one summary table: every bench appends its cells here as it measures them,
and the last step prints them together (cell, API/raw, p99, target, ok/miss), so that a
regression anywhere is one glance.

  .venv/bin/python tests/perf/summary.py [--reset]
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "var" / "bench" / "summary.jsonl"


def record(
    cell: str,
    *,
    ratio: float | None,
    p99: float,
    ratio_target: float | None,
    p99_target: float | None,
) -> None:
    """Append one measured cell (``ratio``: API/raw throughput, None for latency-only cells)."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    row = {
        "cell": cell,
        "ratio": ratio,
        "p99": p99,
        "ratio_target": ratio_target,
        "p99_target": p99_target,
    }
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")


def _target(row: dict[str, object]) -> tuple[str, bool]:
    parts, ok = [], True
    ratio, p99 = row["ratio"], row["p99"]
    if row["ratio_target"] is not None:
        parts.append(f"API/raw>={row['ratio_target']:.2f}")
        ok &= ratio is not None and float(ratio) >= float(row["ratio_target"])  # type: ignore[arg-type]
    if row["p99_target"] is not None:
        parts.append(f"p99<{row['p99_target']:.0f}ms")
        ok &= not math.isnan(float(p99)) and float(p99) < float(row["p99_target"])  # type: ignore[arg-type]
    return ", ".join(parts), ok


def main() -> int:
    if "--reset" in sys.argv:
        RESULTS.unlink(missing_ok=True)
        return 0
    rows = []
    if RESULTS.exists():
        rows = [json.loads(line) for line in RESULTS.read_text(encoding="utf-8").splitlines()]
    width = max([len(r["cell"]) for r in rows] + [4])
    header = f"{'cell':<{width}} {'API/raw':>7} {'p99 ms':>7}  {'target':<28} result"
    print()
    print("Summary of this `make bench` run")
    print(header)
    print("-" * len(header))
    misses = 0
    for row in rows:
        target, ok = _target(row)
        misses += not ok
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.2f}"
        print(
            f"{row['cell']:<{width}} {ratio:>7} {row['p99']:7.1f}  {target:<28} "
            f"{'ok' if ok else 'MISS'}"
        )
    print(f"{len(rows)} cells, {misses} missing a target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
