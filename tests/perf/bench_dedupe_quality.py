"""`make bench`: the quality of duplicate detection, pair precision / recall / F1, for its three
paths: the duplicate scan, the import preview (within the file and against existing customers)
and the per-record duplicate check.

The figures come from tests/customers/test_dedupe_quality.py, run here with its output shown:
the labelled set of tests/dedupe_eval.py (seeded records with ground-truth clusters), each path
through its real code on a test database (CRM_TEST_DATABASE_URL / CRM_TEST_REDIS_URL, else the
embedded servers under var/test/). Targets: precision >= 0.98 and recall >= 0.95 per path;
misses are reported (pytest's failures), not raised, like the other benchmarks.

  .venv/bin/python tests/perf/bench_dedupe_quality.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST = ROOT / "tests" / "customers" / "test_dedupe_quality.py"


def main() -> int:
    print("Duplicate detection quality (pairs; targets: precision >= 0.98, recall >= 0.95)")
    command = [sys.executable, "-m", "pytest", str(TEST), "-q", "-s", "-p", "no:cacheprovider"]
    subprocess.run(command, cwd=ROOT, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
