"""`make bench`: run every benchmark, then write benchmarks/RESULTS.md and the growth chart.

    .venv/bin/python benchmarks/report.py [--before REV] [--with-1m] [--only search,coverage]

Each script measures the app and its bare baseline in the same run. With --before, the same
scripts also run against revision REV of the app (extracted with `git archive` into the cache), on
the same databases, so the table shows before and after side by side.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import subprocess
import sys
import tarfile
import time
from io import BytesIO
from pathlib import Path

from common import CACHE, HERE, REPO

SCRIPTS = ["startup", "autosave", "coverage", "search", "ui", "sync"]


def run_all(names: list[str], out: Path, code: Path, extra: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    # The app's modules as an installed app has them, compiled once: with PYTHONDONTWRITEBYTECODE
    # set (some shells and CI set it) every run would otherwise compile them from source, which
    # no user's start-up or first dialog pays.
    compileall.compile_dir(str(code / "assessor_app"), quiet=1)
    env = {**os.environ, "BENCH_OUT": str(out), "BENCH_CODE": str(code),
           "PYTHONPATH": str(code), "QT_QPA_PLATFORM": "offscreen"}
    for name in names:
        script = HERE / f"bench_{name}.py"
        if not script.exists():
            continue
        args = [sys.executable, str(script)]
        if name in ("coverage", "search"):
            args += extra
        print(f"== {name} ({code.name})", flush=True)
        t0 = time.perf_counter()
        done = subprocess.run(args, env=env, cwd=REPO, stdout=subprocess.DEVNULL)
        print(f"   {'ok' if done.returncode == 0 else 'FAILED'} in {time.perf_counter() - t0:.0f} s")


def checkout(rev: str) -> Path:
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout.strip()
    target = CACHE / f"code-{sha}"
    if not target.exists():
        tar = subprocess.run(["git", "archive", sha, "assessor_app"], cwd=REPO, check=True,
                             capture_output=True).stdout
        with tarfile.open(fileobj=BytesIO(tar)) as t:
            t.extractall(target, filter="data")
    return target


def _load(folder: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "—"
    return f"{v:,.3g} {unit}" if unit != "files/s" else f"{v:,.0f} {unit}"


def table(after: dict[str, dict], before: dict[str, dict]) -> list[str]:
    lines = ["| what | bare baseline | before | after | after ÷ bare | goal |",
             "|---|---|---|---|---|---|"]
    for name in SCRIPTS:
        # "Before" by what was measured: a revision from before encryption at rest has no
        # "…, encrypted" rows, and the rows after them must not shift onto the wrong ones.
        old_rows = {r["what"]: r for r in before.get(name, {}).get("rows", [])}
        for r in after.get(name, {}).get("rows", []):
            old = old_rows.get(r["what"])
            before_txt = (f"{_fmt(old['app'], r['unit'])} (bare {_fmt(old['bare'], r['unit'])},"
                          f" {old['ratio']}×)" if old else "—")
            extra = ""
            if "app_p50" in r:
                extra = f" (p50 {r['app_p50']} ms; bare p50 {r['bare_p50']} ms)"
            lines.append(f"| {r['what']} | {_fmt(r['bare'], r['unit'])} | {before_txt} | "
                         f"{_fmt(r['app'], r['unit'])}{extra} | {r['ratio']}× | {r['goal']} |")
    return lines


def growth(after: dict[str, dict], before: dict[str, dict]) -> tuple[list[str], dict]:
    lines = ["| items | coverage, one learner | search, one learner | search, all learners |"
             " bare FTS5 bm25 top-50 |", "|---|---|---|---|---|"]
    cov = {g["items"]: g for g in after.get("coverage", {}).get("growth", [])}
    srch = {g["items"]: g for g in after.get("search", {}).get("growth", [])}
    old = {g["items"]: g for g in before.get("search", {}).get("growth", [])}
    series: dict[str, list[tuple[float, float]]] = {
        "coverage": [], "search, one learner": [], "search, all": [], "bare FTS5 top-50": []}
    if old:
        series["search, all (before)"] = [(n, g["all_ms"]) for n, g in old.items()]
    for n in sorted(set(cov) | set(srch)):
        c, s = cov.get(n, {}), srch.get(n, {})
        lines.append(f"| {n:,} | {c.get('app_ms', '—')} ms | {s.get('one_ms', '—')} ms | "
                     f"{s.get('all_ms', '—')} ms | {s.get('bare_ms', '—')} ms |")
        for label, value in (("coverage", c.get("app_ms")), ("search, one learner",
                             s.get("one_ms")), ("search, all", s.get("all_ms")),
                             ("bare FTS5 top-50", s.get("bare_ms"))):
            if value:
                series[label].append((n, value))
    return lines, series


def write(after_dir: Path, before_dir: Path | None, note: str) -> None:
    from chart import draw

    after, before = _load(after_dir), _load(before_dir) if before_dir else {}
    rows, series = growth(after, before)
    draw(HERE / "growth.png", "Coverage and search time as the database grows", series)
    heavy = after.get("startup", {}).get("heavy_imports_at_start")
    later = after.get("startup", {}).get("heavy_imports_until_listed")
    text = [
        "# Benchmark results", "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.node()} "
        f"({os.cpu_count()} CPUs, Python {platform.python_version()}), offscreen. {note}",
        "Every figure is a median (autosave: p99 as stated) of the app and of the bare library "
        "doing the same job in the same run; the ratio is app ÷ bare (sync: bare time ÷ app "
        "time, so ≥ 1 means at least as fast). The machine is shared, so absolute numbers move "
        "between runs; the same-run ratios are the comparison.", "",
        *table(after, before), "",
        "## Growth from 1k to 1M items", "",
        *rows, "", "![growth](growth.png)", "",
        f"Heavy libraries imported by the GUI's start-up before the main window's first paint: "
        f"{', '.join(heavy) if heavy else 'none'}"
        + (f"; then, in the background until the learners are listed: {', '.join(later)}."
           if later is not None else "."),
        "",
    ]
    notes = HERE / "notes.md"
    if notes.exists():
        text += [notes.read_text().rstrip(), ""]
    (HERE / "RESULTS.md").write_text("\n".join(text))
    print(f"wrote {HERE / 'RESULTS.md'}")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--before", help="also measure this git revision (e.g. the last release)")
    p.add_argument("--with-1m", action="store_true", help="include the 1,000,000-item database")
    p.add_argument("--only", help="comma-separated subset of " + ",".join(SCRIPTS))
    p.add_argument("--report-only", action="store_true", help="rewrite RESULTS.md from saved results")
    args = p.parse_args()
    names = args.only.split(",") if args.only else SCRIPTS
    extra = ["--with-1m"] if args.with_1m else []
    after_dir, before_dir = CACHE / "results" / "after", None
    with_1m = args.with_1m or any(CACHE.glob("evidence-1000000-l200-s1*.sqlite3"))
    note = "Sizes: 1k, 10k, 100k" + (
        " and 1M items (the 1M file is generated once by `generate.py --items 1000000`, about "
        "6 minutes here, then cached)." if with_1m else " items (add --with-1m for 1M).")
    if args.before:
        before_dir = CACHE / "results" / "before"
        note += f" \"Before\" is revision {args.before}, measured in the same session."
        if not args.report_only:
            run_all(names, before_dir, checkout(args.before), extra)
    if not args.report_only:
        run_all(names, after_dir, REPO, extra)
    write(after_dir, before_dir, note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
