"""Autosave of one evidence edit, call → committed, against a bare SQLite commit of one row.

    .venv/bin/python benchmarks/bench_autosave.py [--edits 2000] [--items 10000]

The app side calls `update_evidence_text` (the narrative editor's debounced save) on an item of a
copy of a generated centre database; every call returns after its COMMIT. The bare side updates
one row of a one-table file with the same journal settings (WAL, synchronous=NORMAL) and commits.
Reports p50 and p99 of each, same run.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from common import ms, open_bench_store, p99_ms, row, save
from generate import evidence_db

from assessor_app.evidence import update_evidence_text

SENTENCE = ("Greeted the customer, listened to the complaint, explained the refund policy and "
            "checked the receipt before processing the return. ")


def _median(samples: list[float]) -> float:
    return ms(sorted(samples)[len(samples) // 2])


def bare(folder: Path, edits: int) -> list[float]:
    con = sqlite3.connect(folder / "bare.sqlite3", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
    con.execute("INSERT INTO note VALUES (1, '')")
    out = []
    text = SENTENCE * 3
    for i in range(edits):
        t0 = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE note SET text = ? WHERE id = 1", (f"{text}{i}",))
        con.execute("COMMIT")
        out.append(time.perf_counter() - t0)
    con.close()
    return out


def app(folder: Path, items: int, edits: int) -> list[float]:
    with contextlib.suppress(ModuleNotFoundError):  # the core's listeners (newer revisions)
        importlib.import_module("assessor_app.workflow.wiring").install()
    path = folder / "app.sqlite3"
    shutil.copy(evidence_db(items), path)
    store = open_bench_store(path)
    raw = sqlite3.connect(path)
    item_id = raw.execute("SELECT id FROM evidence_item WHERE learner_id = 7 AND deleted = 0 "
                          "ORDER BY id DESC LIMIT 1").fetchone()[0]
    raw.close()
    out = []
    text = SENTENCE * 3
    # A user typing: each save is the previous text plus a little more.
    for i in range(edits):
        value = f"{text}{i}"
        t0 = time.perf_counter()
        update_evidence_text(store, item_id, value)
        out.append(time.perf_counter() - t0)
    store.close()
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--edits", type=int, default=2000)
    p.add_argument("--items", type=int, default=10_000)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        b = bare(folder, args.edits)
        a = app(folder, args.items, args.edits)
    rows = [row("autosave of one evidence edit, call → committed (p99)", p99_ms(b), p99_ms(a),
                "ms", "p99 ≤ 1 ms", bare_p50=_median(b), app_p50=_median(a))]
    save("autosave", {"rows": rows})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
