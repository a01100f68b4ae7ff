"""Sync of signed ERS PDFs to WsgiDAV on loopback, against a bare sequential httpx PUT loop of
the same files to the same server, in the same run.

    .venv/bin/python benchmarks/bench_sync.py [--files 500] [--kb 40] [--rounds 5]
        [--procs 2] [--threads 8] [--locks memory|none] [--props memory|none]

The server runs in its own process(es) (benchmarks/dav_server.py, which documents its lean
configuration), as a centre's server would; the bare loop and the app are served by the same
configuration, started afresh for each of them. The app side is `sync_outbox` on a fresh,
encrypted store (as the app keeps it: SQLCipher database, ERS PDFs AES-GCM encrypted at rest)
with `files` filed documents queued: each PDF read and decrypted from the vault, checked, PUT to
a temporary name, MOVEd into place, confirmed, and its outbox row recorded. The bare side PUTs
the same bytes, already in memory, one after the other on one keep-alive connection and checks
each status. The two alternate for `rounds` rounds (so a busy moment of the shared machine hits
both); reports medians, the spread, and the median of the per-round ratios.

`--floor` adds a third side to each round, for what the protocol itself costs: the same PUT to a
temporary name + MOVE into place per file as the app, with nothing else (no store, no reading,
no bookkeeping, no confirmation logic), on the app's own lean keep-alive connections
(`sync/http11.py`), as many in flight as the app, into the same folders as the app's files (the
server's cost grows with the depth of the path); its server CPU per file is the least any client
can cause with PUT + MOVE of these files on this server.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

# The store's key is unlocked by the passphrase below; keep it out of any real keyring.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

import httpx  # noqa: E402
from common import HERE, row, save  # noqa: E402

from assessor_app.store import open_store  # noqa: E402
from assessor_app.store.models import (  # noqa: E402
    ErsDocument,
    Learner,
    SignOff,
    Unit,
    UnitVersion,
)
from assessor_app.sync import engine as sync_engine  # noqa: E402
from assessor_app.sync.engine import sync_outbox  # noqa: E402
from assessor_app.sync.http11 import KeepAlive  # noqa: E402
from assessor_app.sync.layout import DEFAULT_LAYOUT, part_name, remote_path_for  # noqa: E402
from assessor_app.sync.outbox import enqueue, ers_relative_path  # noqa: E402
from assessor_app.sync.settings import SyncSettings  # noqa: E402

USER, PASSWORD = "assessor", "bench password"
PASSPHRASE = "bench store passphrase"


def _pdf_like(n: int, size: int) -> bytes:
    # Incompressible filler: real signed PDFs are mostly compressed streams.
    return b"%PDF-1.7\n% bench " + str(n).encode() + b"\n" + os.urandom(size) + b"\n%%EOF\n"


def _outbox(store, pdfs: list[bytes]) -> None:  # noqa: ANN001
    cipher = store.key.file_cipher() if store.key is not None else None
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
            if cipher is not None:
                cipher.write_file(path, pdf)
            else:
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


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


class Timed:
    """Wall time, and the CPU time of the client (this process) and of the server."""

    def __init__(self, server: Server) -> None:
        self.server = server

    def __enter__(self) -> Timed:
        self.t0, self.c0, self.s0 = time.perf_counter(), _own_cpu(), self.server.cpu()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall = time.perf_counter() - self.t0
        self.client = _own_cpu() - self.c0
        self.srv = self.server.cpu() - self.s0


class Server:
    def __init__(self, folder: Path, server_args: list[str]) -> None:
        folder.mkdir()
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "dav_server.py"), str(folder), USER, PASSWORD,
             *server_args], stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = f"http://127.0.0.1:{int(self.proc.stdout.readline())}/"

    def cpu(self) -> float:
        """CPU seconds the server process(es) used so far (Linux /proc; 0 elsewhere)."""
        return sum(_proc_cpu(pid) for pid in [self.proc.pid, *_children(self.proc.pid)])

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(20)


def bare(folder: Path, pdfs: list[bytes], server_args: list[str]) -> Timed:
    server = Server(folder, server_args)
    try:
        with httpx.Client(auth=(USER, PASSWORD)) as client:
            client.request("MKCOL", server.url + "bare/")
            with Timed(server) as timed:
                for i, pdf in enumerate(pdfs):
                    client.put(f"{server.url}bare/ERS_{i}.pdf", content=pdf).raise_for_status()
            return timed
    finally:
        server.stop()


def _parents(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[:k]) for k in range(1, len(parts) + 1)]


def floor(folder: Path, pdfs: list[bytes], server_args: list[str]) -> Timed:
    """PUT to a temporary name + MOVE into place per file and nothing else, on the app's lean
    connections, `sync_engine.WORKERS` at once (each thread takes the next file)."""
    server = Server(folder, server_args)
    try:
        # The app's names: centre / learner / unit / file (see `_outbox`), folders made first.
        names = [remote_path_for(DEFAULT_LAYOUT, centre="Bench", learner_registration=f"BENCH-"
                                 f"{i % 20:03d}", unit_reference="K/503/8194",
                                 filename=f"ERS_{i}.pdf") for i in range(len(pdfs))]
        with httpx.Client(auth=(USER, PASSWORD)) as client:
            for folder_name in sorted({p for name in names for p in _parents(name)}):
                client.request("MKCOL", f"{server.url}{folder_name}/").raise_for_status()
        todo = iter(range(len(pdfs)))
        lock = threading.Lock()
        failures: list[str] = []

        def worker() -> None:
            conn = KeepAlive(server.url, USER, PASSWORD, context=None, timeout=30.0,  # type: ignore[arg-type]
                             connect_timeout=10.0, user_agent="floor")
            try:
                while True:
                    with lock:
                        i = next(todo, None)
                    if i is None:
                        return
                    final = names[i]
                    part = "/" + part_name(final, "0123456789abcdef")
                    put = conn.request("PUT", part, body=pdfs[i], retry=True)
                    move = conn.request("MOVE", part, retry=False,
                                        headers={"Destination": server.url + final,
                                                 "Overwrite": "F"})
                    if put.status not in (200, 201, 204) or move.status != 201:
                        failures.append(f"{final}: {put.status} {move.status}")
            finally:
                conn.close()

        threads = [threading.Thread(target=worker) for _ in range(sync_engine.WORKERS)]
        with Timed(server) as timed:
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        assert not failures, failures[:3]
        return timed
    finally:
        server.stop()


def app(folder: Path, pdfs: list[bytes], server_args: list[str]) -> Timed:
    store = open_store(folder / "bench.sqlite3", passphrase=PASSPHRASE)
    _outbox(store, pdfs)
    server = Server(folder / "dav", server_args)
    try:
        settings = SyncSettings(base_url=server.url, username=USER, centre="Bench")
        with Timed(server) as timed:
            summary = sync_outbox(store, settings, PASSWORD)
        assert summary.ok and summary.sent == len(pdfs), summary
        return timed
    finally:
        server.stop()
        store.close()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--files", type=int, default=500)
    p.add_argument("--kb", type=int, default=40)
    p.add_argument("--rounds", type=int, default=5, help="alternate bare and app this many times")
    p.add_argument("--procs", type=int, default=2, help="server processes (SO_REUSEPORT)")
    p.add_argument("--threads", type=int, default=8, help="cheroot threads per server process")
    p.add_argument("--locks", choices=("memory", "none"), default="none")
    p.add_argument("--props", choices=("memory", "none"), default="none")
    p.add_argument("--workers", type=int, default=0, help="the app's uploads in flight "
                   "(default: the app's own setting)")
    p.add_argument("--floor", action="store_true", help="also time a bare PUT + MOVE loop "
                   "(see the module's doc)")
    args = p.parse_args()
    if args.workers:
        sync_engine.WORKERS = args.workers
    server_args = ["--procs", str(args.procs), "--threads", str(args.threads),
                   "--locks", args.locks, "--props", args.props]
    pdfs = [_pdf_like(i, args.kb * 1024) for i in range(args.files)]
    n = args.files
    bares: list[Timed] = []
    apps: list[Timed] = []
    floors: list[Timed] = []
    loads: list[float] = []
    for r in range(args.rounds):  # alternating (and which goes first), so a busy moment of
        with tempfile.TemporaryDirectory() as tmp:  # the shared machine hits both alike
            loads.append(os.getloadavg()[0])
            if r % 2 == 0:
                bares.append(bare(Path(tmp) / "bare", pdfs, server_args))
            else:
                apps.append(app(Path(tmp), pdfs, server_args))
            if args.floor:
                floors.append(floor(Path(tmp) / "floor", pdfs, server_args))
            if r % 2 == 0:
                apps.append(app(Path(tmp), pdfs, server_args))
            else:
                bares.append(bare(Path(tmp) / "bare", pdfs, server_args))
        b, a = bares[-1], apps[-1]
        f = (f"; floor {n / floors[-1].wall:.0f}/s, client {1e3 * floors[-1].client / n:.2f} "
             f"server {1e3 * floors[-1].srv / n:.2f}") if args.floor else ""
        print(f"round {r + 1} (load {loads[-1]:.1f}): bare {n / b.wall:.0f}/s, app "
              f"{n / a.wall:.0f}/s, ratio {b.wall / a.wall:.2f}; CPU ms per file: bare client "
              f"{1e3 * b.client / n:.2f} server {1e3 * b.srv / n:.2f}, app client "
              f"{1e3 * a.client / n:.2f} server {1e3 * a.srv / n:.2f}{f}", file=sys.stderr)
    walls_b, walls_a = [x.wall for x in bares], [x.wall for x in apps]
    # Throughput: higher is better, so the ratio is bare time / app time (≥ 1.0 is the goal).
    ratios = sorted(b.wall / a.wall for b, a in zip(bares, apps, strict=True))

    def cpu_ms(xs: list[Timed], attr: str) -> float:
        return round(1e3 * statistics.median(getattr(x, attr) for x in xs) / n, 2)

    r = row(f"sync of {n} signed ERS PDFs ({args.kb} KB) to WsgiDAV on loopback",
            round(n / statistics.median(walls_b), 1), round(n / statistics.median(walls_a), 1),
            "files/s", "≥ 1.0× bare",
            bare_range=[round(n / max(walls_b)), round(n / min(walls_b))],
            app_range=[round(n / max(walls_a)), round(n / min(walls_a))],
            round_ratios=[round(x, 2) for x in ratios],
            cpu_ms_per_file={"bare_client": cpu_ms(bares, "client"),
                             "bare_server": cpu_ms(bares, "srv"),
                             "app_client": cpu_ms(apps, "client"),
                             "app_server": cpu_ms(apps, "srv")},
            server=" ".join(server_args), rounds=args.rounds,
            load_average=[round(x, 1) for x in loads])
    r["ratio"] = round(statistics.median(ratios), 2)
    if floors:
        r["floor"] = {"what": "PUT + MOVE per file and nothing else (see bench_sync.py)",
                      "files_s": round(n / statistics.median(x.wall for x in floors), 1),
                      "round_ratios": sorted(round(b.wall / f.wall, 2)
                                             for b, f in zip(bares, floors, strict=True)),
                      "cpu_ms_per_file": {"client": cpu_ms(floors, "client"),
                                          "server": cpu_ms(floors, "srv")}}
    save("sync", {"rows": [r]})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
