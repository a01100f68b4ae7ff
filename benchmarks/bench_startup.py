"""Cold start to an idle main window, time until the learners are listed, and peak memory,
against a bare PySide6 QMainWindow in the same run (offscreen). Each start is a fresh process
(benchmarks/startup_probe.py), alternating bare and app; times run from the parent spawning the
process (so they include the interpreter's start) to the probe's marks:

* idle main window: the first turn of the event loop after the main window is shown (the app
  opens its database after that, in the background);
* learners listed: the window has its database open and the learner list read into it.

The peak RSS (VmHWM) is read at each mark: up to the learners being listed (the goal's row),
up to the first learner's page being shown with nothing left loading, and up to a visit of that
learner being open (the demo learner has visits; the 200-learner database's first learner has
none), so nothing the first screen then needs is hidden.

    .venv/bin/python benchmarks/bench_startup.py [--runs 5]

Databases: the demo database (one demo learner, built once), and a centre's database with 200
learners (generate.py, 10,000 items) for the memory with many learners loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import CACHE, CODE, HERE, REPO, ms, row, save
from generate import evidence_db

TAG = "current" if CODE == REPO else CODE.name
PASSPHRASE = "bench passphrase"  # unlocks the (encrypted) databases of the app under test


def demo_db() -> Path:
    """The demo database, made by the code under test (an older revision makes its own)."""
    path = CACHE / f"demo-{TAG}.sqlite3"
    if not path.exists():
        env = {**os.environ, "ASSESSOR_APP_KEY_PASSPHRASE": PASSPHRASE,
               "PYTHONPATH": str(CODE)}
        script = ("import sys; from assessor_app.store import open_store;"
                  "from assessor_app.specs.bootstrap import ensure_bundled_specs;"
                  "from assessor_app.cli import main;"
                  f"s = open_store({str(path)!r}); ensure_bundled_specs(s); s.close();"
                  f"sys.exit(main(['demo', '--db', {str(path)!r}]))")
        # cwd: not the checkout, whose package would shadow the code under test on sys.path
        subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=CACHE,
                       stdout=subprocess.DEVNULL)
    return path


def centre_db() -> Path:
    """The 200-learner database. For an older revision of the app, the same file stamped at that
    revision's schema head, so it opens it as it is (the added columns do not get in its way)."""
    path = evidence_db(10_000)
    if CODE == REPO:
        # The app encrypts a plaintext database when it first opens it: do that once, on a copy.
        copy = CACHE / "centre-10000-current.sqlite3"
        if not copy.exists():
            shutil.copy(path, copy)
            from assessor_app.store import open_store

            open_store(copy, passphrase=PASSPHRASE).close()
        return copy
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(CODE / "assessor_app" / "store" / "migrations")).get_current_head()
    stamped = CACHE / f"centre-10000-{TAG}.sqlite3"
    if not stamped.exists():
        shutil.copy(path, stamped)
        with sqlite3.connect(stamped) as con:
            con.execute("UPDATE alembic_version SET version_num = ?", (head,))
    return stamped


def start(mode: str, db: Path | None = None) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BENCH_CODE": str(CODE),
           "PYTHONPATH": str(CODE), "ASSESSOR_APP_KEY_PASSPHRASE": PASSPHRASE,
           "ASSESSOR_APP_NO_DEMO_PROMPT": "1", "BENCH_SPAWNED": repr(time.time())}
    args = [sys.executable, str(HERE / "startup_probe.py"), mode] + ([str(db)] if db else [])
    out = subprocess.run(args, check=True, capture_output=True, text=True, env=env)
    info = json.loads(out.stdout.strip().splitlines()[-1])
    if mode == "app" and not info.get("window_shown"):
        raise SystemExit(f"the app's main window was not shown: {info}")
    return info


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    demo, centre = demo_db(), centre_db()
    start("app", demo)  # warm the file cache for both sides
    start("bare")
    runs: dict[str, list[dict]] = {"bare": [], "demo": [], "centre": []}
    for _ in range(args.runs):
        runs["bare"].append(start("bare"))
        runs["demo"].append(start("app", demo))
        runs["centre"].append(start("app", centre))

    def med(which: str, key: str) -> float:
        values = [r[key] for r in runs[which] if key in r]
        return statistics.median(values) if values else float("nan")

    bare_idle = ms(med("bare", "idle_s")) / 1000
    bare_rss = med("bare", "rss_mib")
    rows = [
        row("cold start to an idle main window (demo DB, offscreen)", bare_idle,
            ms(med("demo", "idle_s")) / 1000, "s", "≤ 3× bare"),
        row("time until learners listed (demo DB), against the bare window's idle", bare_idle,
            ms(med("demo", "listed_s")) / 1000, "s", "— (shown so nothing is hidden)"),
        row("time until learners listed (200 learners), against the bare window's idle",
            bare_idle, ms(med("centre", "listed_s")) / 1000, "s",
            "— (shown so nothing is hidden)"),
        row("peak RSS at start (demo DB, until learners listed)", bare_rss,
            med("demo", "rss_listed_mib"), "MiB", "≤ 120 MiB"),
        row("peak RSS with 200 learners loaded (until listed)", bare_rss,
            med("centre", "rss_listed_mib"), "MiB", "≤ 120 MiB"),
        row("peak RSS, demo DB, first learner's page shown", bare_rss,
            med("demo", "rss_page_mib"), "MiB", "— (shown so nothing is hidden)"),
        row("peak RSS, 200 learners, first learner's page shown", bare_rss,
            med("centre", "rss_page_mib"), "MiB", "— (shown so nothing is hidden)"),
        row("peak RSS, demo DB, a visit open", bare_rss, med("demo", "rss_visit_mib"), "MiB",
            "— (shown so nothing is hidden)"),
    ]
    at_paint = sorted({m for r in runs["demo"] + runs["centre"] for m in r["heavy_at_idle"]})
    listed = sorted({m for r in runs["demo"] + runs["centre"]
                     for m in r.get("heavy_at_listed", r["heavy"])})
    at_end = sorted({m for r in runs["demo"] + runs["centre"] for m in r["heavy"]})
    save("startup", {"rows": rows, "heavy_imports_at_start": at_paint,
                     "heavy_imports_until_listed": listed, "heavy_imports_at_end": at_end,
                     "runs": runs})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
