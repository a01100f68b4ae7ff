"""Coverage of one learner: 10 units × 300 criteria with 20,000 evidence items, against a bare
count of live evidence per criterion on the same file, in the same run; and how one learner's
coverage grows with the centre's database (1k → 1M items over 200 learners).

    .venv/bin/python benchmarks/bench_coverage.py [--sizes 1000,10000,100000] [--with-1m]

It prints and saves numbers; it asserts nothing (timings belong in a benchmark, not in tests).
"""

from __future__ import annotations

import argparse
import sqlite3

from common import CACHE, median_ms, open_bench_store, row, save, timings
from generate import coverage_db, evidence_db

from assessor_app.evidence import learner_coverage

BARE_SQL = """
SELECT ec.criterion_id, count(*)
FROM evidence_item AS ei JOIN evidence_criterion AS ec ON ec.evidence_id = ei.id
WHERE ei.learner_id = ? AND ei.deleted = 0
GROUP BY ec.criterion_id
"""


def measure(path, learner_id: int, repeat: int) -> tuple[float, float]:  # noqa: ANN001
    store = open_bench_store(path)
    raw = sqlite3.connect(path)
    try:
        bare = timings(lambda: raw.execute(BARE_SQL, (learner_id,)).fetchall(), repeat=repeat)
        app = timings(lambda: learner_coverage(store, learner_id), repeat=repeat)
    finally:
        raw.close()
        store.close()
    return median_ms(bare), median_ms(app)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--with-1m", action="store_true")
    p.add_argument("--repeat", type=int, default=15)
    args = p.parse_args()
    bare, app = measure(coverage_db(10, 300, 20_000), 1, args.repeat)
    rows = [row("coverage, one learner, 10 units × 300 criteria, 20,000 items", bare, app, "ms",
                "≤ 20 ms")]
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.with_1m or any(CACHE.glob("evidence-1000000-l200-s1*.sqlite3")):
        sizes.append(1_000_000)
    growth = []
    for n in sorted(set(sizes)):
        b, a = measure(evidence_db(n), 7, args.repeat)
        growth.append({"items": n, "bare_ms": b, "app_ms": a})
    save("coverage", {"rows": rows, "growth": growth})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
