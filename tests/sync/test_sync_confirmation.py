"""What the faster sync may and may not take as proof, and what a crash between a batch of
confirmed uploads and their bookkeeping commit leaves behind (nothing twice, nothing lost)."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from sqlmodel import select

from assessor_app.store.models import OutboxItem, OutboxState
from assessor_app.sync import engine
from assessor_app.sync.engine import WARMUP, WORKERS, SyncHooks, sync_outbox
from assessor_app.sync.settings import SyncSettings
from tests.sync.helpers import file_ers, remote_pdfs, sha256_file
from tests.webdav_server import PASSWORD, DavServer, Fault


def _settings(server: DavServer) -> SyncSettings:
    return SyncSettings(base_url=server.url, username=server.user, centre="Centre 12")


def _rows(store) -> list[OutboxItem]:  # noqa: ANN001
    with store.session() as s:
        return list(s.exec(select(OutboxItem).order_by(OutboxItem.id)).all())


def _server_holds_each_once(store, server: DavServer) -> None:  # noqa: ANN001
    rows = _rows(store)
    assert all(i.state == OutboxState.SENT.value for i in rows), [(i.id, i.state) for i in rows]
    assert Counter(sha256_file(p) for p in remote_pdfs(server.root)) == Counter(
        i.sha256 for i in rows)
    assert [p for p in server.files() if ".part-" in p.name] == []
    for i in rows:
        assert sha256_file(server.root / i.remote_path) == i.sha256


@pytest.mark.parametrize("status", [200, 204])
def test_a_move_answer_that_does_not_say_created_is_checked(store, dav_server,
                                                            status: int) -> None:
    """A server (or a proxy in front of it) that answers MOVE with a bare success and does not
    move anything: only 201 Created is taken as proof, so the file is looked for, not found,
    and not counted as delivered."""
    for n in range(3):
        file_ers(store, f"lying move {n}")
    dav_server.faults.add(Fault("MOVE", status=status, times=100))
    first = sync_outbox(store, _settings(dav_server), PASSWORD)
    assert first.sent == 0 and not first.ok
    assert dav_server.faults.count("PROPFIND") >= 1  # it asked after each MOVE answer
    assert all(i.state != OutboxState.SENT.value for i in _rows(store))
    assert remote_pdfs(dav_server.root) == []
    dav_server.faults.clear()
    second = sync_outbox(store, _settings(dav_server), PASSWORD)
    assert second.ok and second.sent == 3
    _server_holds_each_once(store, dav_server)


class _Crash(BaseException):
    """The app dies: nothing after it runs (not even `finally` bookkeeping)."""


def test_crash_before_a_batch_of_confirmations_is_committed(store, dav_server,
                                                           monkeypatch) -> None:
    """Several uploads confirmed by the server but not yet recorded when the app dies: their
    rows still say "uploading"; the next run finds each in place, uploads none again, and the
    server holds every PDF exactly once."""
    n = WARMUP + 2 * WORKERS
    for k in range(n):
        file_ers(store, f"batch {k}")
    real_write = engine._Run._write_unrecorded
    crashed = threading.Event()

    def write_or_die(run: engine._Run) -> None:
        if crashed.is_set() or len(run._unrecorded) >= 3:  # a batch, not a single file
            crashed.set()
            raise _Crash()
        real_write(run)

    monkeypatch.setattr(engine._Run, "_write_unrecorded", write_or_die)
    with pytest.raises(_Crash):
        sync_outbox(store, _settings(dav_server), PASSWORD)
    monkeypatch.setattr(engine._Run, "_write_unrecorded", real_write)
    unrecorded = [i for i in _rows(store) if i.state == OutboxState.UPLOADING.value]
    assert len(unrecorded) >= 3
    on_server = Counter(sha256_file(p) for p in remote_pdfs(dav_server.root))
    assert all(on_server[i.sha256] == 1 for i in unrecorded)  # they did arrive, once
    puts = dav_server.faults.count("PUT")
    queued = sum(i.state == OutboxState.QUEUED.value for i in _rows(store))
    second = sync_outbox(store, _settings(dav_server), PASSWORD)
    assert second.ok and second.already_there == len(unrecorded)
    assert dav_server.faults.count("PUT") - puts == queued  # only never-sent ones go up
    _server_holds_each_once(store, dav_server)


def test_two_files_for_one_name_are_never_in_flight_together(store, dav_server) -> None:
    """Rows whose files share a remote name (as rows queued under an older naming scheme can)
    upload one after the other: a server's "name taken?" check and its rename are not one
    atomic step, so racing MOVEs could both be answered 201 and one file replace the other."""
    for k in range(WARMUP):
        file_ers(store, f"before {k}")
    a = file_ers(store, "first of a name")
    b = file_ers(store, "second of a name")
    with store.session() as s:  # the same learner folder and file name, other bytes
        row_a, row_b = s.get(OutboxItem, a.outbox_item_id), s.get(OutboxItem, b.outbox_item_id)
        row_b.learner_registration, row_b.filename = row_a.learner_registration, row_a.filename
        s.add(row_b)
        prefix = f"/.{row_a.filename}.part-"

    def shared(method: str) -> list[int]:
        return [k for k, (m, p, _) in enumerate(list(dav_server.faults.log))
                if m == method and prefix in p]

    def hold_first(_item_id: int) -> None:
        if len(shared("PUT")) == 1:  # give a racing upload of the other every chance to start
            deadline = time.monotonic() + 2.0
            while time.monotonic() < deadline and len(shared("PUT")) < 2:
                time.sleep(0.02)

    summary = sync_outbox(store, _settings(dav_server), PASSWORD,
                          hooks=SyncHooks(after_put=hold_first))
    assert summary.ok and summary.sent == WARMUP + 2
    puts, moves = shared("PUT"), shared("MOVE")
    assert len(puts) == 2 and puts[0] < moves[0] < puts[1]  # the second went up after the first
    with store.session() as s:
        paths = {s.get(OutboxItem, a.outbox_item_id).remote_path,
                 s.get(OutboxItem, b.outbox_item_id).remote_path}
    assert len(paths) == 2  # the second took the hash-derived second name
    _server_holds_each_once(store, dav_server)
