"""Several files in flight at once keep every promise of the one-at-a-time sync: each PDF ends up
on the server exactly once, whole, under its own name, even when the server dies while several
uploads are under way; and a MOVE the server accepted is the confirmation."""

from __future__ import annotations

import random
from collections import Counter

from sqlmodel import select

from assessor_app.store.models import OutboxItem, OutboxState
from assessor_app.sync.engine import WARMUP, WORKERS, sync_outbox
from assessor_app.sync.settings import SyncSettings
from tests.sync.helpers import file_ers, remote_pdfs, sha256_file
from tests.webdav_server import PASSWORD, DavServer, Fault


def _settings(server: DavServer, **kw: object) -> SyncSettings:
    return SyncSettings(base_url=server.url, username=server.user, centre="Centre 12", **kw)


def _states(store) -> Counter:  # noqa: ANN001
    with store.session() as s:
        return Counter(i.state for i in s.exec(select(OutboxItem)).all())


def test_server_dies_with_uploads_in_flight_then_resumes(store, dav_server) -> None:
    n = WARMUP + 4 * WORKERS
    for k in range(n):
        file_ers(store, f"parallel {k}")  # a learner each: every ERS stands
    fault = dav_server.faults.add(Fault("PUT", nth=WARMUP + 6, kill="after"))
    first = sync_outbox(store, _settings(dav_server), PASSWORD, rng=random.Random(2))
    assert fault.fired == 1 and not first.ok and first.error
    states = _states(store)
    assert states[OutboxState.SENT.value] < n
    assert states[OutboxState.UPLOADING.value] == 0  # every claimed item was settled or put back
    # Nothing visible is partial or foreign: every final-named PDF is one of ours, once.
    with store.session() as s:
        ours = {i.sha256 for i in s.exec(select(OutboxItem)).all()}
    first_pass = Counter(sha256_file(p) for p in remote_pdfs(dav_server.root))
    assert set(first_pass) <= ours and max(first_pass.values()) == 1
    dav_server.restart()
    second = sync_outbox(store, _settings(dav_server), PASSWORD)
    assert second.ok, second
    with store.session() as s:
        items = s.exec(select(OutboxItem)).all()
    assert Counter(sha256_file(p) for p in remote_pdfs(dav_server.root)) == Counter(
        i.sha256 for i in items)
    assert [p for p in dav_server.files() if ".part-" in p.name] == []


def test_an_accepted_move_confirms_without_asking_again(store, dav_server) -> None:
    for k in range(WARMUP + 2 * WORKERS):
        file_ers(store, f"confirm {k}")
    summary = sync_outbox(store, _settings(dav_server), PASSWORD)
    assert summary.ok and summary.sent == WARMUP + 2 * WORKERS
    assert dav_server.faults.count("PROPFIND") == 0
    with store.session() as s:
        assert {i.confirmed_by for i in s.exec(select(OutboxItem)).all()} == {"put+move"}
    # The hash mode still checks the copy on the server.
    file_ers(store, "hashed")
    again = sync_outbox(store, _settings(dav_server, confirm="sha256"), PASSWORD)
    assert again.ok and again.sent == 1
    assert dav_server.faults.count("PROPFIND") == 1 and dav_server.faults.count("GET") == 1
