"""Sync of signed ERS PDFs to WsgiDAV on loopback, against a bare sequential httpx PUT loop of
the same files to the same server, in the same run.

    .venv/bin/python benchmarks/bench_sync.py [--files 500] [--kb 40]

The server runs in its own process (benchmarks/dav_server.py), as a centre's server would. The
app side is `sync_outbox` on a fresh outbox of `files` filed documents: temp name, MOVE into
place, confirmation and bookkeeping included. The bare side PUTs the same bytes one after the
other on one keep-alive connection and checks each status. The two alternate for a few rounds;
reports the median files per second of each.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from common import HERE, open_fresh_store, row, save

from assessor_app.store.models import ErsDocument, Learner, SignOff, Unit, UnitVersion
from assessor_app.sync.engine import sync_outbox
from assessor_app.sync.outbox import enqueue, ers_relative_path
from assessor_app.sync.settings import SyncSettings

USER, PASSWORD = "assessor", "bench password"


def _pdf_like(n: int, size: int) -> bytes:
    # Incompressible filler: real signed PDFs are mostly compressed streams.
    return b"%PDF-1.7\n% bench " + str(n).encode() + b"\n" + os.urandom(size) + b"\n%%EOF\n"


def _outbox(store, pdfs: list[bytes]) -> None:  # noqa: ANN001
    with store.session() as s:
        learners = [Learner(name=f"Bench {i}", registration=f"BENCH-{i:03d}") for i in range(20)]
        unit = Unit(reference="K/503/8194")
        s.add_all([*learners, unit])
        s.flush()
        version = UnitVersion(unit_id=unit.id, number=1, content_hash="x", title="U")
        s.add(version)
        s.flush()
        for i, pdf in enumerate(pdfs):
            sha = hashlib.sha256(pdf).hexdigest()
            path = store.files_dir / ers_relative_path(sha)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(pdf)
            so = SignOff(learner_id=learners[i % 20].id, unit_version_id=version.id,
                         content_hash=sha, content_json="{}", status="signed")
            s.add(so)
            s.flush()
            doc = ErsDocument(signoff_id=so.id, sha256=sha, filename=f"ERS_{i}.pdf",
                              size=len(pdf))
            s.add(doc)
            s.flush()
            enqueue(s, doc.id)


class Server:
    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "dav_server.py"), str(folder), USER, PASSWORD],
            stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = f"http://127.0.0.1:{int(self.proc.stdout.readline())}/"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def bare(folder: Path, pdfs: list[bytes]) -> float:
    server = Server(folder)
    try:
        with httpx.Client(auth=(USER, PASSWORD)) as client:
            client.request("MKCOL", server.url + "bare/")
            t0 = time.perf_counter()
            for i, pdf in enumerate(pdfs):
                client.put(f"{server.url}bare/ERS_{i}.pdf", content=pdf).raise_for_status()
            return time.perf_counter() - t0
    finally:
        server.stop()


def app(folder: Path, pdfs: list[bytes]) -> float:
    store = open_fresh_store(folder / "bench.sqlite3")
    _outbox(store, pdfs)
    server = Server(folder / "dav")
    try:
        settings = SyncSettings(base_url=server.url, username=USER, centre="Bench")
        t0 = time.perf_counter()
        summary = sync_outbox(store, settings, PASSWORD)
        elapsed = time.perf_counter() - t0
        assert summary.ok and summary.sent == len(pdfs), summary
        return elapsed
    finally:
        server.stop()
        store.close()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--files", type=int, default=500)
    p.add_argument("--kb", type=int, default=40)
    p.add_argument("--rounds", type=int, default=3, help="alternate bare and app this many times")
    args = p.parse_args()
    pdfs = [_pdf_like(i, args.kb * 1024) for i in range(args.files)]
    bares, apps = [], []
    for r in range(args.rounds):  # alternating, so a busy moment of the machine hits both
        with tempfile.TemporaryDirectory() as tmp:
            bares.append(bare(Path(tmp) / "bare", pdfs))
            apps.append(app(Path(tmp), pdfs))
        print(f"round {r + 1}: bare {args.files / bares[-1]:.0f}/s, app {args.files / apps[-1]:.0f}/s")
    t_bare, t_app = statistics.median(bares), statistics.median(apps)
    n = args.files
    # Throughput: higher is better, so the ratio is bare time / app time (≥ 1.0 is the goal).
    r = row(f"sync of {n} signed ERS PDFs ({args.kb} KB) to WsgiDAV on loopback",
            round(n / t_bare, 1), round(n / t_app, 1), "files/s", "≥ 1.0× bare")
    r["ratio"] = round(t_bare / t_app, 2)
    save("sync", {"rows": [r]})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
