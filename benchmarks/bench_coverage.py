"""Coverage of one learner: 10 units × 300 criteria with 20,000 evidence items, against a bare
count of live evidence per criterion on the same file, in the same run; and how one learner's
coverage grows with the centre's database (1k → 1M items over 200 learners). The app is measured
on the generated (plaintext) file and on an encrypted copy of it (SQLCipher with a data key, as a
real data folder holds it; made once by the app's own migration and cached), against the same bare
baseline of the same run.

    .venv/bin/python benchmarks/bench_coverage.py [--sizes 1000,10000,100000] [--with-1m]

It prints and saves numbers; it asserts nothing (timings belong in a benchmark, not in tests).
Besides the wall-clock medians it records CPU-time medians (`*_cpu_ms`): on a shared machine the
scheduler's preemptions move wall time by tens of milliseconds between runs, CPU time much less.
"""

from __future__ import annotations

import argparse
import sqlite3
import time

from common import (
    CACHE,
    encrypted_copy,
    median_ms,
    open_bench_store,
    open_encrypted_store,
    row,
    save,
    timings,
)
from generate import coverage_db, evidence_db

from assessor_app.evidence import learner_coverage

BARE_SQL = """
SELECT ec.criterion_id, count(*)
FROM evidence_item AS ei JOIN evidence_criterion AS ec ON ec.evidence_id = ei.id
WHERE ei.learner_id = ? AND ei.deleted = 0
GROUP BY ec.criterion_id
"""


def _cpu_median_ms(fn, repeat: int) -> float:  # noqa: ANN001
    return median_ms(timings(fn, repeat=repeat, warmup=1, clock=time.thread_time))


def _measure_app(store, learner_id: int, repeat: int, cpu: dict | None) -> float:  # noqa: ANN001
    def app_fn() -> object:
        return learner_coverage(store, learner_id)

    try:
        app = timings(app_fn, repeat=repeat)
        if cpu is not None:
            cpu["app_cpu_ms"] = _cpu_median_ms(app_fn, repeat)
    finally:
        store.close()
    return median_ms(app)


def _first_call_ms(open_fn, path, learner_id: int, opens: int = 5) -> float:  # noqa: ANN001
    """The first call on a freshly opened store: the unit versions' criteria are not yet read
    (`evidence/version_criteria.py` keeps them per open database), as on the first coverage of
    a session."""
    samples = []
    for _ in range(opens):
        store = open_fn(path)
        try:
            t0 = time.perf_counter()
            learner_coverage(store, learner_id)
            samples.append(time.perf_counter() - t0)
        finally:
            store.close()
    return median_ms(samples)


def measure(path, learner_id: int, repeat: int,  # noqa: ANN001
            cpu: dict | None = None,
            enc_cpu: dict | None = None) -> tuple[float, float, float | None]:
    """Wall-clock medians (bare, app on the plaintext file, app on its encrypted copy or None
    when the code under test cannot encrypt); CPU-time medians go into `cpu` / `enc_cpu`."""
    raw = sqlite3.connect(path)
    try:
        def bare_fn() -> object:
            return raw.execute(BARE_SQL, (learner_id,)).fetchall()

        bare = timings(bare_fn, repeat=repeat)
        if cpu is not None or enc_cpu is not None:
            bare_cpu = _cpu_median_ms(bare_fn, repeat)
            for extra in (cpu, enc_cpu):
                if extra is not None:
                    extra["bare_cpu_ms"] = bare_cpu
    finally:
        raw.close()
    if cpu is not None:
        cpu["app_first_call_ms"] = _first_call_ms(open_bench_store, path, learner_id)
    app = _measure_app(open_bench_store(path), learner_id, repeat, cpu)
    enc_path = encrypted_copy(path)
    enc = None if enc_path is None else _measure_app(open_encrypted_store(enc_path), learner_id,
                                                     repeat, enc_cpu)
    return median_ms(bare), app, enc


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--with-1m", action="store_true")
    p.add_argument("--repeat", type=int, default=15)
    args = p.parse_args()
    cpu: dict[str, float] = {}
    enc_cpu: dict[str, float] = {}
    bare, app, enc = measure(coverage_db(10, 300, 20_000), 1, args.repeat, cpu, enc_cpu)
    what = "coverage, one learner, 10 units × 300 criteria, 20,000 items"
    rows = [row(what, bare, app, "ms", "≤ 20 ms", **cpu)]
    if enc is not None:
        rows.append(row(f"{what}, encrypted", bare, enc, "ms", "≤ 20 ms", **enc_cpu))
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.with_1m or any(CACHE.glob("evidence-1000000-l200-s1*.sqlite3")):
        sizes.append(1_000_000)
    growth = []
    for n in sorted(set(sizes)):
        b, a, e = measure(evidence_db(n), 7, args.repeat)
        growth.append({"items": n, "bare_ms": b, "app_ms": a,
                       **({} if e is None else {"app_encrypted_ms": e})})
    save("coverage", {"rows": rows, "growth": growth})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
