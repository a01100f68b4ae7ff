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


def timings(fn: Callable[[], Any], *, repeat: int, warmup: int = 2,
            clock: Callable[[], float] = time.perf_counter) -> list[float]:
    """Seconds per call of `fn`, after `warmup` untimed calls (`clock=time.thread_time`: the
    calling thread's CPU time, steadier than wall time on a shared machine)."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t0 = clock()
        fn()
        out.append(clock() - t0)
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


#: Unlocks the encrypted copies below (made and opened with the fail keyring: nothing is left in
#: the keyring of the computer running the benchmarks).
PASSPHRASE = "benchmark passphrase"


def _use_bench_passphrase() -> None:
    os.environ["ASSESSOR_APP_KEY_PASSPHRASE"] = PASSPHRASE
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"


def can_encrypt() -> bool:
    """Whether the code under test has encryption at rest (older revisions measured with
    report.py --before do not)."""
    import importlib.util

    return importlib.util.find_spec("assessor_app.vault") is not None


class _Ticker:
    """Prints, every few seconds on stderr, how far the encryption of a copy has got (the one
    SQLCipher statement that does it reports nothing while it runs)."""

    def __init__(self, plain: Path, db: Path, every: float = 5.0) -> None:
        import threading

        self.db, self.every, self.t0 = db, every, time.perf_counter()
        self.total = plain.stat().st_size
        self.stage = "copying the plaintext file"
        self.written = False
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def progress(self, stage: str, done: int, total: int) -> None:
        self.stage = f"{stage} {done}/{total}" if total > 1 else stage

    def _run(self) -> None:
        part = self.db.with_name(self.db.name + ".encrypting")
        while not self.stop.wait(self.every):
            state = self.stage
            if self.written and not part.exists():
                state = "verified; overwriting the plaintext copy (as the app does)"
            if part.exists():
                self.written = True
                size = part.stat().st_size
                state += (f": {size / 1e6:,.0f} of ~{self.total / 1e6:,.0f} MB written"
                          + (", verifying (integrity check, row counts)"
                             if size >= self.total else ""))
            print(f"   {time.perf_counter() - self.t0:5.0f} s  {state}", file=sys.stderr,
                  flush=True)

    def __enter__(self) -> _Ticker:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def encrypted_copy(plain: Path) -> Path | None:
    """An encrypted copy of the generated file `plain`, as a real data folder holds it
    (SQLCipher with a random data key wrapped by PASSPHRASE), made once by the app's own
    plaintext → encrypted migration and cached in `.cache/encrypted/<plain's stem>/` (the stem
    carries the schema revision). None when the code under test cannot encrypt."""
    if not can_encrypt():
        return None
    folder = CACHE / "encrypted" / plain.stem
    target = folder / plain.name
    if target.exists():
        return target
    import shutil
    import sqlite3

    from assessor_app.store import open_store

    _use_bench_passphrase()
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    db = building / plain.name
    print(f"== encrypting a copy of {plain.name} ({plain.stat().st_size / 1e6:,.0f} MB), "
          "once; cached in .cache/encrypted/", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    with _Ticker(plain, db) as ticker:
        src, dst = sqlite3.connect(plain), sqlite3.connect(db)
        try:  # a consistent copy even if a killed run left a WAL beside the cached file
            src.backup(dst, pages=4096, progress=lambda _status, left, total: ticker.progress(
                "copying the plaintext file (pages)", total - left, total))
        finally:
            src.close()
            dst.close()
        ticker.progress("encrypting (the app's migration of a plaintext database)", 0, 1)
        open_store(db, migrate_schema=False, passphrase=PASSPHRASE,
                   progress=ticker.progress).close()
    print(f"   encrypted in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    building.rename(folder)
    return target


def open_encrypted_store(path: Path):  # noqa: ANN201 - the Store of the code under test
    """The store on an encrypted copy from `encrypted_copy`, through the app's normal open
    (passphrase from ASSESSOR_APP_KEY_PASSPHRASE, no keyring), without schema migration."""
    from assessor_app.store import open_store

    _use_bench_passphrase()
    store = open_store(path, migrate_schema=False)
    if not store.encrypted:
        store.close()
        raise RuntimeError(f"{path} opened as plaintext; delete .cache/encrypted/ to rebuild it")
    return store
