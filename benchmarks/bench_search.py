"""Search at a centre's scale: one learner's items and everyone's, for a common word, against a
bare FTS5 bm25 top-50 on the same index, in the same run.

    .venv/bin/python benchmarks/bench_search.py [--sizes 1000,10000,100000] [--with-1m]

Databases come from generate.py (200 learners, bundled units). "customer" is in about one item in
five. Reports medians, and how both searches grow from the smallest to the largest size. The app is
measured on the generated (plaintext) file and on an encrypted copy of it (SQLCipher with a data
key, as a real data folder holds it; made once by the app's own migration and cached), against
the same bare baseline of the same run.
"""

from __future__ import annotations

import argparse
import sqlite3

from common import (
    encrypted_copy,
    median_ms,
    open_bench_store,
    open_encrypted_store,
    row,
    save,
    timings,
)
from generate import evidence_db

from assessor_app.evidence import search_evidence

WORD = "customer"
LEARNER = 7
BARE_SQL = ("SELECT rowid, bm25(evidence_fts) FROM evidence_fts WHERE evidence_fts MATCH ? "
            "ORDER BY rank LIMIT 50")


def _measure_app(store, repeat: int) -> dict[str, float]:  # noqa: ANN001 - the app's Store
    try:
        one = timings(lambda: search_evidence(store, LEARNER, WORD), repeat=repeat)
        every = timings(lambda: search_evidence(store, None, WORD), repeat=repeat)
        hits = len(search_evidence(store, None, WORD))
    finally:
        store.close()
    return {"one_ms": median_ms(one), "all_ms": median_ms(every), "hits_returned": hits}


def measure(items: int, repeat: int) -> dict[str, float]:
    path = evidence_db(items)
    raw = sqlite3.connect(path)
    try:
        bare = timings(lambda: raw.execute(BARE_SQL, (WORD,)).fetchall(), repeat=repeat)
    finally:
        raw.close()
    out = {"items": items, "bare_ms": median_ms(bare),
           **_measure_app(open_bench_store(path), repeat)}
    enc_path = encrypted_copy(path)
    if enc_path is not None:
        enc = _measure_app(open_encrypted_store(enc_path), repeat)
        out |= {"one_encrypted_ms": enc["one_ms"], "all_encrypted_ms": enc["all_ms"],
                "hits_returned_encrypted": enc["hits_returned"]}
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--with-1m", action="store_true",
                   help="include 1,000,000 items (generating it once takes a few minutes)")
    p.add_argument("--repeat", type=int, default=15)
    args = p.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.with_1m or any(evidence_db.__globals__["CACHE"].glob(
            "evidence-1000000-l200-s1*.sqlite3")):
        sizes.append(1_000_000)
    growth = [measure(n, args.repeat) for n in sorted(set(sizes))]
    top = growth[-1]
    label = f"{top['items']:,} items, common word"
    rows = [
        row(f"search, one learner, {label}", top["bare_ms"], top["one_ms"], "ms", "≤ 20 ms"),
        row(f"search, all learners, {label}", top["bare_ms"], top["all_ms"], "ms", "≤ 100 ms"),
    ]
    if "one_encrypted_ms" in top:
        rows += [
            row(f"search, one learner, {label}, encrypted", top["bare_ms"],
                top["one_encrypted_ms"], "ms", "≤ 20 ms"),
            row(f"search, all learners, {label}, encrypted", top["bare_ms"],
                top["all_encrypted_ms"], "ms", "≤ 100 ms"),
        ]
    save("search", {"rows": rows, "growth": growth})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
