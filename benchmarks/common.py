"""Shared by the benchmark scripts: timing, percentiles and the JSON each script leaves for
`report.py`. Every script times the app and its bare baseline in the same process and run."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache"
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
# The code under test: this checkout, unless BENCH_CODE points at another one (report.py uses
# that to measure an older revision with the same scripts and the same databases).
CODE = Path(os.environ.get("BENCH_CODE", str(REPO)))
if str(CODE) not in sys.path:
    sys.path.insert(0, str(CODE))


def timings(fn: Callable[[], Any], *, repeat: int, warmup: int = 2) -> list[float]:
    """Seconds per call of `fn`, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def median_ms(samples: list[float]) -> float:
    return ms(statistics.median(samples))


def p99_ms(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ms(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))])


def save(name: str, result: dict[str, Any]) -> Path:
    """Write this script's result where report.py finds it (BENCH_OUT overrides the folder)."""
    out_dir = Path(os.environ.get("BENCH_OUT", str(CACHE / "results")))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.json"
    path.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return path


def row(what: str, bare: float, app: float, unit: str, goal: str, **extra: Any) -> dict[str, Any]:
    """One line of the results table: the app's figure and the bare library's, same run."""
    return {"what": what, "bare": bare, "app": app, "unit": unit, "goal": goal,
            "ratio": round(app / bare, 2) if bare else None, **extra}


def open_fresh_store(path: Path):  # noqa: ANN201
    """A new plaintext store (the generator writes it with plain sqlite3 afterwards)."""
    from assessor_app.store import open_store

    try:
        return open_store(path, encrypt=False)
    except TypeError:  # a revision from before encryption at rest
        return open_store(path)


def open_bench_store(path: Path):  # noqa: ANN201 - the Store of the code under test
    """The store on a generated (plaintext) file, as it is: no migration, and not encrypted in
    place (revisions with encryption at rest would encrypt it on open). Encryption's own cost is
    measured by bench_encryption.py."""
    from assessor_app.store import open_store

    try:
        return open_store(path, migrate_schema=False, encrypt=False)
    except TypeError:  # a revision from before encryption at rest
        return open_store(path, migrate_schema=False)
