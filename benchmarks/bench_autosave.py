"""Autosave of one evidence edit, call → committed, against a bare SQLite commit of one row.

    .venv/bin/python benchmarks/bench_autosave.py [--edits 2000] [--items 10000] [--pause-ms 5]

The app side calls `update_evidence_text` (the narrative editor's debounced save) on an item of a
copy of a generated centre database, encrypted (SQLCipher, as every real data folder is; the
plaintext copy is measured too); every call returns after its COMMIT. The bare side updates one
row of a one-table file with the same journal settings (WAL, synchronous=NORMAL) and commits.

Between saves both sides pause `--pause-ms` (untimed), as a typist does (the GUI saves 400 ms
after the last keystroke): back-to-back saves would keep the process busy for the whole run, and
on a shared machine the scheduler then preempts it every few milliseconds, which is a figure of
the machine, not of the save. The app's background maintenance (checkpoint, indexing the typed
text) runs in those pauses, as it would between real saves. Reports p50 and p99 of each side.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import ms, open_bench_store, p99_ms, row, save
from generate import evidence_db

from assessor_app.evidence import update_evidence_text

SENTENCE = ("Greeted the customer, listened to the complaint, explained the refund policy and "
            "checked the receipt before processing the return. ")
PASSPHRASE = "benchmark passphrase"


def _median(samples: list[float]) -> float:
    return ms(sorted(samples)[len(samples) // 2])


def _run(save_one: Callable[[str], object], edits: int, pause: float) -> list[float]:
    out = []
    text = SENTENCE * 3
    # A user typing: each save is the previous text plus a little more.
    for i in range(edits):
        value = f"{text}{i}"
        t0 = time.perf_counter()
        save_one(value)
        out.append(time.perf_counter() - t0)
        if pause:
            time.sleep(pause)
    return out


def bare(folder: Path, edits: int, pause: float) -> list[float]:
    con = sqlite3.connect(folder / "bare.sqlite3", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
    con.execute("INSERT INTO note VALUES (1, '')")

    def save_one(value: str) -> None:
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE note SET text = ? WHERE id = 1", (value,))
        con.execute("COMMIT")

    try:
        return _run(save_one, edits, pause)
    finally:
        con.close()


def _open_app_store(path: Path, encrypted: bool):  # noqa: ANN202 - the code under test's Store
    if not encrypted:
        return open_bench_store(path)
    from assessor_app.store import open_store

    os.environ.setdefault("ASSESSOR_APP_KEY_PASSPHRASE", PASSPHRASE)
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    try:  # encrypts the plaintext copy in place (the one-off migration of an old data folder)
        return open_store(path, migrate_schema=False, passphrase=PASSPHRASE)
    except TypeError:  # a revision from before encryption at rest
        return open_bench_store(path)


def app(folder: Path, items: int, edits: int, pause: float, *, encrypted: bool) -> list[float]:
    with contextlib.suppress(ModuleNotFoundError):  # the core's listeners (newer revisions)
        importlib.import_module("assessor_app.workflow.wiring").install()
    path = folder / ("app-encrypted" if encrypted else "app-plain") / "app.sqlite3"
    path.parent.mkdir()
    source = evidence_db(items)
    shutil.copy(source, path)
    raw = sqlite3.connect(source)
    item_id = raw.execute("SELECT id FROM evidence_item WHERE learner_id = 7 AND deleted = 0 "
                          "ORDER BY id DESC LIMIT 1").fetchone()[0]
    raw.close()
    store = _open_app_store(path, encrypted)
    try:
        return _run(lambda value: update_evidence_text(store, item_id, value), edits, pause)
    finally:
        store.close()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--edits", type=int, default=2000)
    p.add_argument("--items", type=int, default=10_000)
    p.add_argument("--pause-ms", type=float, default=5.0)
    args = p.parse_args()
    pause = args.pause_ms / 1000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        b = bare(folder, args.edits, pause)
        a = app(folder, args.items, args.edits, pause, encrypted=True)
        plain = app(folder, args.items, args.edits, pause, encrypted=False)
    rows = [row("autosave of one evidence edit, call → committed (p99)", p99_ms(b), p99_ms(a),
                "ms", "p99 ≤ 1 ms", bare_p50=_median(b), app_p50=_median(a),
                app_plaintext_p99=p99_ms(plain), app_plaintext_p50=_median(plain),
                app_max=ms(max(a)), pause_ms=args.pause_ms)]
    save("autosave", {"rows": rows})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
