"""Cold start to an idle main window, and peak memory, against a bare PySide6 QMainWindow in the
same run (offscreen). Each start is a fresh process (benchmarks/startup_probe.py), timed from
spawn to exit, alternating bare and app.

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


def start(mode: str, db: Path | None = None) -> tuple[float, dict]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BENCH_CODE": str(CODE),
           "PYTHONPATH": str(CODE), "ASSESSOR_APP_KEY_PASSPHRASE": PASSPHRASE,
           "ASSESSOR_APP_NO_DEMO_PROMPT": "1"}
    args = [sys.executable, str(HERE / "startup_probe.py"), mode] + ([str(db)] if db else [])
    t0 = time.perf_counter()
    out = subprocess.run(args, check=True, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t0
    return elapsed, json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    demo, centre = demo_db(), centre_db()
    start("app", demo)  # warm the file cache for both sides
    start("bare")
    bare_t, app_t, bare_rss, app_rss, big_rss, heavy = [], [], [], [], [], set()
    for _ in range(args.runs):
        t, info = start("bare")
        bare_t.append(t)
        bare_rss.append(info["rss_mib"])
        t, info = start("app", demo)
        app_t.append(t)
        app_rss.append(info["rss_mib"])
        heavy |= set(info["heavy"])
        _, info = start("app", centre)
        big_rss.append(info["rss_mib"])
    med = statistics.median
    rows = [
        row("cold start to an idle main window (demo DB, offscreen)", ms(med(bare_t)) / 1000,
            ms(med(app_t)) / 1000, "s", "≤ 3× bare"),
        row("peak RSS at start (demo DB)", med(bare_rss), med(app_rss), "MiB", "≤ 120 MiB"),
        row("peak RSS with 200 learners loaded", med(bare_rss), med(big_rss), "MiB",
            "≤ 120 MiB"),
    ]
    save("startup", {"rows": rows, "heavy_imports_at_start": sorted(heavy)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
