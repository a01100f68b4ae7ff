"""Sync runs twice at once, leftovers on the server, and a stalled server, against real servers
on 127.0.0.1 (WsgiDAV, and a socket that accepts and then never answers)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from assessor_app.store import Store
from assessor_app.store.models import OutboxItem
from assessor_app.sync.engine import sync_outbox
from assessor_app.sync.errors import STALLED_MESSAGE
from assessor_app.sync.run_lock import ANOTHER_RUN, sync_run_lock
from assessor_app.sync.settings import PASSWORD_ENV, STALL_SECONDS, SyncSettings, save_settings
from assessor_app.sync.webdav import WebDavClient
from tests.rawdb import cli_env
from tests.sync.helpers import file_ers, remote_pdfs, sha256_file
from tests.webdav_server import PASSWORD, DavServer

EXE = Path(sys.executable).with_name("assessor-app")


def _configure(store: Store, url: str, user: str = "assessor") -> SyncSettings:
    settings = SyncSettings(base_url=url, username=user, centre="Centre 7")
    with store.session() as s:
        save_settings(s, settings)
    return settings


def _files_on_server(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_two_sync_processes_at_once(store: Store, db_path: Path, dav_server: DavServer) -> None:
    for n in range(6):
        file_ers(store, f"concurrent {n}", registration=f"REG-{n}", padding=400)
    _configure(store, dav_server.url, dav_server.user)
    env = cli_env(store, **{PASSWORD_ENV: PASSWORD})  # the children unlock with a passphrase
    procs = [subprocess.Popen([str(EXE), "sync", "run", "--db", str(db_path), "--quiet"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    for _out, err, code in results:
        assert code == 0, err
        assert "Traceback" not in err and "404" not in err and "WARNING" not in err.upper()
    pdfs = [sha256_file(p) for p in remote_pdfs(dav_server.root)]
    assert len(pdfs) == 6 and len(set(pdfs)) == 6  # every ERS once
    assert not [f for f in _files_on_server(dav_server.root) if ".part-" in f]  # none half-sent
    listing = subprocess.run([str(EXE), "outbox", "list", "--json", "--db", str(db_path)],
                             capture_output=True, text=True, env=env, timeout=60)
    assert [i["state"] for i in json.loads(listing.stdout)] == ["sent"] * 6


def test_a_second_run_in_another_process_is_skipped_or_waits(store: Store, db_path: Path,
                                                             dav_server: DavServer) -> None:
    file_ers(store, "locked")
    settings = _configure(store, dav_server.url, dav_server.user)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
         "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(2)\n",
         str(store.files_dir / "locks" / "sync-run.lock")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    skipped = sync_outbox(store, settings, PASSWORD)
    assert skipped.error == ANOTHER_RUN and skipped.sent == 0
    said: list[str] = []
    store.wait_hooks.on_wait = said.append
    waited = sync_outbox(store, settings, PASSWORD, wait_for_other_run=True)
    holder.wait(30)
    assert waited.ok and waited.sent == 1
    assert said and "Waiting for the other sync" in said[0]


def test_our_stale_part_uploads_are_removed_from_the_server(store: Store, db_path: Path,
                                                            dav_server: DavServer) -> None:
    file_ers(store, "first")
    settings = _configure(store, dav_server.url, dav_server.user)
    assert sync_outbox(store, settings, PASSWORD).ok
    [pdf] = [p for p in dav_server.root.rglob("*.pdf")]
    ours = pdf.with_name(f".{pdf.name}.part-0123456789abcdef")  # a PUT finished too late
    theirs = pdf.with_name(".someone-else.pdf.part-0123456789abcdef")
    not_a_part = pdf.with_name(f".{pdf.name}.part-notourtoken")
    for leftover in (ours, theirs, not_a_part):
        leftover.write_bytes(b"%PDF-1.4 half an upload")
    with store.session() as s:  # it had needed a second attempt: the first PUT ended late
        for item in s.exec(select(OutboxItem)).all():
            item.attempts = 2
            s.add(item)
    file_ers(store, "second")
    assert sync_outbox(store, settings, PASSWORD).ok
    assert not ours.exists()
    assert theirs.exists() and not_a_part.exists()  # never ours to delete


@pytest.fixture
def stalled_server() -> Iterator[str]:
    """Accepts connections, reads the request, never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except TimeoutError:
                continue
            held.append(conn)

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.getsockname()[1]}/dav/"
    stop.set()
    t.join(5)
    for c in held:
        c.close()
    srv.close()


def test_a_stalled_server_is_reported(store: Store, stalled_server: str,
                                      capsys: pytest.CaptureFixture) -> None:
    file_ers(store, "stalled")
    settings = _configure(store, stalled_server)
    assert settings.timeout_seconds == STALL_SECONDS <= 15
    # settings saved by older versions (60 s) are brought within the limit as well
    old = SyncSettings.from_json(json.dumps({**json.loads(settings.to_json()),
                                             "timeout_seconds": 60.0}))
    assert old.timeout_seconds == STALL_SECONDS
    client = WebDavClient(settings, PASSWORD)
    timeout = client._client.timeout
    client.close()
    assert max(timeout.connect, timeout.read, timeout.write, timeout.pool) <= 15
    started = time.monotonic()
    summary = sync_outbox(store, settings, PASSWORD)
    elapsed = time.monotonic() - started
    assert not summary.ok and summary.error == STALLED_MESSAGE
    with capsys.disabled():
        print(f"\nstalled server reported after {elapsed:.1f} s")


def test_the_run_lock_is_released_when_the_holder_dies(store: Store) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
         "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(60)\n",
         str(store.files_dir / "locks" / "sync-run.lock")], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    with sync_run_lock(store) as held:
        assert not held
    proc.kill()
    proc.wait(10)
    with sync_run_lock(store) as held:
        assert held
