"""Plain snapshots (`store.raw.read_only`) open their own connections: closing the store waits
for those in flight and refuses new ones, so once `close` returns no connection of it is open
and its -wal/-shm files are gone."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assessor_app.evidence.learner_list import list_learners
from assessor_app.evidence.learners import add_learner
from assessor_app.store import open_store
from assessor_app.store.errors import StoreError
from assessor_app.store.raw import read_only


def test_close_waits_for_a_snapshot_in_flight_then_refuses_new_ones(db_path: Path) -> None:
    store = open_store(db_path)
    add_learner(store, "Ann First", "R-1")
    inside, release = threading.Event(), threading.Event()
    seen: list[int] = []

    def read() -> None:
        with read_only(store) as conn:
            inside.set()
            release.wait(10)
            seen.append(conn.execute("SELECT count(*) FROM learner").fetchone()[0])

    reader = threading.Thread(target=read)
    reader.start()
    assert inside.wait(10)
    closer = threading.Thread(target=store.close)
    closer.start()
    closer.join(0.3)
    assert closer.is_alive()  # waiting for the snapshot
    release.set()
    closer.join(10)
    reader.join(10)
    assert not closer.is_alive() and seen == [1]
    assert not db_path.with_name(db_path.name + "-wal").exists()
    assert not db_path.with_name(db_path.name + "-shm").exists()
    with pytest.raises(StoreError, match="closed"):
        list_learners(store)
