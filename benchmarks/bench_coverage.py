"""Time `learner_coverage` against a bare baseline query on a realistic large learner.

    .venv/bin/python benchmarks/bench_coverage.py [--units 10] [--criteria 30] [--items 2000]

Builds a throwaway database (10 units × 30 criteria, 2,000 evidence items mapped to 1–4 criteria
each, some deleted, a few hundred judgements), then reports the median time of the full coverage
(states, evidence ids, per-outcome and per-unit counts, requirement ticks, assembled into
dataclasses) and of a bare query that only counts evidence per criterion, and their ratio.
It prints numbers; it asserts nothing (timings belong in a benchmark, not in the tests).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import text

from assessor_app.evidence import learner_coverage, list_evidence, search_evidence
from assessor_app.store import Store, open_store
from assessor_app.store.models import (
    Criterion,
    Enrolment,
    EvidenceCriterion,
    EvidenceItem,
    EvidenceRequirement,
    Judgement,
    Learner,
    LearningOutcome,
    Unit,
    UnitVersion,
)

WORDS = ["customer", "complaint", "refund", "greeted", "till", "stock", "shelves", "policy", "feedback", "service", "loyalty", "segmentation", "manager", "calm", "explained", "product", "offer", "survey", "email", "telephone"]

BASELINE_SQL = text("""
SELECT ec.criterion_id, count(*)
FROM evidence_item AS ei JOIN evidence_criterion AS ec ON ec.evidence_id = ei.id
WHERE ei.learner_id = :learner_id AND ei.deleted = 0
GROUP BY ec.criterion_id
""")


def build(store: Store, units: int, criteria: int, items: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    with store.session() as s:
        learner = Learner(name="Bench Learner", registration="BENCH1")
        s.add(learner)
        s.flush()
        all_criteria: list[int] = []
        for u in range(units):
            unit = Unit(reference=f"B/{u:03d}/0000")
            s.add(unit)
            s.flush()
            version = UnitVersion(unit_id=unit.id, number=1, content_hash=f"h{u}",
                                  title=f"Bench unit {u}")
            s.add(version)
            s.flush()
            per_outcome = 6
            for o in range((criteria + per_outcome - 1) // per_outcome):
                lo = LearningOutcome(version_id=version.id, number=str(o + 1),
                                     text=f"Outcome {o + 1}", position=o)
                s.add(lo)
                s.flush()
                for c in range(per_outcome):
                    n = o * per_outcome + c
                    if n >= criteria:
                        break
                    cr = Criterion(version_id=version.id, outcome_id=lo.id,
                                   number=f"{o + 1}.{c + 1}", text="…", position=n)
                    s.add(cr)
                    s.flush()
                    all_criteria.append(cr.id)
            for k in range(3):
                s.add(EvidenceRequirement(version_id=version.id, key=str(k + 1), text="req",
                                          position=k))
            s.add(Enrolment(learner_id=learner.id, unit_id=unit.id, unit_version_id=version.id))
        start = date(2023, 1, 1)
        for i in range(items):
            item = EvidenceItem(learner_id=learner.id, kind="observation",
                                date=start + timedelta(days=i % 500),
                                text=" ".join(rng.choices(WORDS, k=60)),
                                deleted=rng.random() < 0.05)
            s.add(item)
            s.flush()
            for cid in rng.sample(all_criteria, rng.randint(1, 4)):
                s.add(EvidenceCriterion(evidence_id=item.id, criterion_id=cid))
        for cid in rng.sample(all_criteria, len(all_criteria) // 3):
            for state in rng.choices(["met", "not_yet"], k=rng.randint(1, 3)):
                s.add(Judgement(learner_id=learner.id, criterion_id=cid, state=state,
                                decided_by="bench"))
        assert learner.id is not None
        return learner.id


def timed_ms(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(best, median) wall time in ms. The best run is the steadier figure on a busy machine."""
    fn()  # warm the page cache and statement cache
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1000, statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=10)
    ap.add_argument("--criteria", type=int, default=30)
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.sqlite3")
        t0 = time.perf_counter()
        learner_id = build(store, args.units, args.criteria, args.items)
        print(f"built {args.units} units × {args.criteria} criteria, {args.items} items "
              f"in {time.perf_counter() - t0:.1f} s")
        with store.session() as session:
            cov = learner_coverage(session, learner_id)
            print(f"coverage: {cov.counts}")

            def baseline() -> object:
                return session.execute(BASELINE_SQL, {"learner_id": learner_id}).all()

            base = timed_ms(baseline, args.repeat)
            results = {
                "learner_coverage (open session)": timed_ms(
                    lambda: learner_coverage(session, learner_id), args.repeat),
                "learner_coverage (own short session)": timed_ms(
                    lambda: learner_coverage(store, learner_id), args.repeat),
                f"list_evidence ({args.items} items)": timed_ms(
                    lambda: list_evidence(session, learner_id), 10),
                "search_evidence (2 words, prefix)": timed_ms(
                    lambda: search_evidence(session, learner_id, "complaint refu"), args.repeat),
            }
        store.close()
    print(f"{'':40} {'best ms':>9} {'median ms':>10} {'best/baseline':>14}")
    print(f"{'baseline (evidence count per criterion)':40} {base[0]:9.2f} {base[1]:10.2f}")
    for name, (best, median) in results.items():
        print(f"{name:40} {best:9.2f} {median:10.2f} {best / base[0]:13.1f}×")


if __name__ == "__main__":
    main()
