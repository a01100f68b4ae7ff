"""Upload throughput: N signed-size PDFs through the sync engine vs a bare httpx PUT loop,
both to the same local WsgiDAV server. A plain script, not a test:

    .venv/bin/python benchmarks/bench_sync.py [N] [KB per PDF]
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assessor_app.store import open_store  # noqa: E402
from assessor_app.store.models import ErsDocument, Learner, SignOff, Unit, UnitVersion  # noqa: E402
from assessor_app.sync.engine import sync_outbox  # noqa: E402
from assessor_app.sync.outbox import enqueue, ers_relative_path  # noqa: E402
from assessor_app.sync.settings import SyncSettings  # noqa: E402
from tests.webdav_server import PASSWORD, DavServer  # noqa: E402


def _pdf_like(n: int, size: int) -> bytes:
    # Incompressible filler: real signed PDFs are mostly compressed streams.
    body = os.urandom(size)
    return b"%PDF-1.7\n% bench " + str(n).encode() + b"\n" + body + b"\n%%EOF\n"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    kb = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        store = open_store(tmpdir / "bench.sqlite3")
        pdfs = [_pdf_like(i, kb * 1024) for i in range(n)]
        with store.session() as s:
            learner = Learner(name="Bench", registration="BENCH-1")
            unit = Unit(reference="K/503/8194")
            s.add(learner)
            s.add(unit)
            s.flush()
            version = UnitVersion(unit_id=unit.id, number=1, content_hash="x", title="U")
            s.add(version)
            s.flush()
            for i, pdf in enumerate(pdfs):
                sha = hashlib.sha256(pdf).hexdigest()
                path = store.files_dir / ers_relative_path(sha)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(pdf)
                so = SignOff(learner_id=learner.id, unit_version_id=version.id,
                             content_hash=sha, content_json="{}", status="signed")
                s.add(so)
                s.flush()
                doc = ErsDocument(signoff_id=so.id, sha256=sha, filename=f"ERS_{i}.pdf",
                                  size=len(pdf))
                s.add(doc)
                s.flush()
                enqueue(s, doc.id)
        total = sum(len(p) for p in pdfs)

        engine_root = tmpdir / "dav-engine"
        bare_root = tmpdir / "dav-bare"
        engine_root.mkdir()
        bare_root.mkdir()
        server = DavServer(engine_root)
        server.start()
        try:
            settings = SyncSettings(base_url=server.url, username=server.user, centre="Bench")
            t0 = time.perf_counter()
            summary = sync_outbox(store, settings, PASSWORD)
            t_engine = time.perf_counter() - t0
            assert summary.ok and summary.sent == n, summary
        finally:
            server.stop()

        server = DavServer(bare_root)
        server.start()
        try:
            with httpx.Client(auth=(server.user, PASSWORD)) as client:
                client.request("MKCOL", server.url + "bare/")
                t0 = time.perf_counter()
                for i, pdf in enumerate(pdfs):
                    r = client.put(f"{server.url}bare/ERS_{i}.pdf", content=pdf)
                    r.raise_for_status()
                t_bare = time.perf_counter() - t0
        finally:
            server.stop()
        store.close()

    mb = total / 1e6
    print(f"{n} PDFs × {kb} KB = {mb:.1f} MB")
    print(f"sync engine : {t_engine:6.2f} s  {mb / t_engine:7.1f} MB/s  "
          f"{n / t_engine:6.1f} files/s  (PUT + MOVE + PROPFIND, 2 commits per file)")
    print(f"bare PUTs   : {t_bare:6.2f} s  {mb / t_bare:7.1f} MB/s  {n / t_bare:6.1f} files/s")
    print(f"ratio engine/bare time: {t_engine / t_bare:.2f}×")


if __name__ == "__main__":
    main()
