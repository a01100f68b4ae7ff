"""Encryption at rest, measured: the same work on a plaintext and on an encrypted (SQLCipher +
AES-256-GCM files) data folder, in one run, with the ratios.

    .venv/bin/python benchmarks/bench_encryption.py [--items 2000] [--repeat 30]

Measures: opening a connection, an autosave (one narrative edit, one commit), learner coverage,
full-text search, storing and reading a 2 MB photo, and encrypting the demo data folder from
its plaintext form (the one-off migration on first start). Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from common import median_ms, timings  # noqa: E402
from sqlmodel import select  # noqa: E402

from assessor_app.demo.builder import build_demo  # noqa: E402
from assessor_app.evidence import (  # noqa: E402
    add_learner,
    create_evidence,
    enrol,
    learner_coverage,
    search_evidence,
    update_evidence_text,
)
from assessor_app.evidence.blobstore import blob_store  # noqa: E402
from assessor_app.signoff.keys import load_or_create_identity  # noqa: E402
from assessor_app.specs.bootstrap import ensure_bundled_specs  # noqa: E402
from assessor_app.store import Store, open_store  # noqa: E402
from assessor_app.store.models import Criterion, Enrolment, EvidenceItem  # noqa: E402
from assessor_app.vault.dbfile import connect  # noqa: E402
from assessor_app.workflow.wiring import install  # noqa: E402

PASSPHRASE = "benchmark passphrase"


_WORDS = ["customer", "complaint", "refund", "shelf", "stock", "till", "greeting", "kettle", "returned", "manager", "policy", "receipt", "queue", "apology", "record", "handover", "safety"]


def build(store: Store, items: int) -> int:
    """One learner enrolled on every bundled unit, with `items` observations each mapped to three
    of its criteria, written through the core as the app writes them."""
    ensure_bundled_specs(store)
    learner = add_learner(store, "Bench Learner", "BENCH-1")
    assert learner.id is not None
    with store.read_session() as s:
        from assessor_app.store.models import Unit

        refs = [u.reference for u in s.exec(select(Unit)).all()]
    for ref in refs:
        enrol(store, learner.id, ref)
    with store.read_session() as s:
        versions = [e.unit_version_id for e in s.exec(
            select(Enrolment).where(Enrolment.learner_id == learner.id)).all()]
        cids = [c.id for c in s.exec(select(Criterion).where(
            Criterion.version_id.in_(versions))).all()]  # type: ignore[union-attr]
    for n in range(items):
        words = " ".join(_WORDS[(n * 7 + k) % len(_WORDS)] for k in range(12))
        create_evidence(store, learner.id, "observation", text=f"Item {n}: {words}",
                        criteria=[cids[(n + k * 11) % len(cids)] for k in range(3)])
    return learner.id


def timed_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time in ms after one warm-up call."""
    return median_ms(timings(fn, repeat=repeat, warmup=1))


def measure(store: Store, learner_id: int, repeat: int, photo: Path) -> dict[str, float]:
    with store.read_session() as s:
        item_id = s.exec(select(EvidenceItem.id)
                         .where(EvidenceItem.learner_id == learner_id)).first()
    counter = iter(range(10**9))
    blobs = blob_store(store)
    sha = blobs.put_file(photo).sha256

    def open_connection() -> None:
        connect(store.db_path, store.key).execute("SELECT 1").fetchone()

    return {
        "open a connection": timed_ms(open_connection, repeat),
        "autosave (one edit, one commit)": timed_ms(
            lambda: update_evidence_text(store, item_id, f"edited text {next(counter)}"), repeat),
        "learner coverage": timed_ms(lambda: learner_coverage(store, learner_id), repeat),
        "search (2 words)": timed_ms(
            lambda: search_evidence(store, learner_id, "complaint refu"), repeat),
        "store a 2 MB photo": timed_ms(lambda: blobs.put_file(photo), max(5, repeat // 3)),
        "read a 2 MB photo": timed_ms(lambda: blobs.read_bytes(sha), max(5, repeat // 3)),
    }


def migration_seconds(tmp: Path) -> float:
    plain_db = tmp / "demo-plain" / "assessor.sqlite3"
    store = open_store(plain_db, encrypt=False)
    build_demo(store, lambda s: load_or_create_identity(s, passphrase=PASSPHRASE))
    store.close()
    t0 = time.perf_counter()
    open_store(plain_db, passphrase=PASSPHRASE).close()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    install()  # the core's listeners (sign-off voiding, sync queueing), as at start-up
    os.environ.setdefault("ASSESSOR_APP_KEY_PASSPHRASE", PASSPHRASE)
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        photo = tmp / "photo.jpg"
        photo.write_bytes(os.urandom(2 * 1024 * 1024))
        results = {}
        for label, encrypt in (("plain", False), ("encrypted", True)):
            store = open_store(tmp / label / "bench.sqlite3", encrypt=encrypt)
            learner_id = build(store, args.items)
            results[label] = measure(store, learner_id, args.repeat, photo)
            store.close()
        t0 = time.perf_counter()
        open_store(tmp / "encrypted" / "bench.sqlite3").close()
        open_cost = (time.perf_counter() - t0) * 1000
        migrate = migration_seconds(tmp)
        shutil.rmtree(tmp / "demo-plain", ignore_errors=True)
    print(f"{'median ms':40} {'plain':>9} {'encrypted':>10} {'ratio':>7}")
    for name in results["plain"]:
        p, e = results["plain"][name], results["encrypted"][name]
        print(f"{name:40} {p:9.2f} {e:10.2f} {e / p:6.2f}×")
    print(f"open_store (passphrase/scrypt unlock + schema check): {open_cost:.0f} ms")
    print(f"encrypting the demo data folder on first start: {migrate * 1000:.0f} ms")


if __name__ == "__main__":
    main()
