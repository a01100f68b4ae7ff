"""The store's background maintenance: tasks and a WAL checkpoint run once saving pauses (or
after many saves without a pause), a failing task does not stop the round, and closing the
store runs what is still owed."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import text

from assessor_app.store.maintenance import Maintenance, checkpoint


def _wait_for(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_round_runs_once_saving_pauses(store) -> None:
    seen: list[str] = []
    m = Maintenance(store, idle=0.05)
    m.add_task("note", lambda s: seen.append(threading.current_thread().name))
    m.poke()
    m.poke()
    assert _wait_for(lambda: m.runs == 1)
    assert seen == ["store-maintenance"]  # one round for both saves, off the caller's thread
    m.poke()
    assert _wait_for(lambda: m.runs == 2)
    m.close()


def test_many_saves_without_a_pause_still_get_a_round(store) -> None:
    m = Maintenance(store, idle=3600.0, max_pokes=3)
    m.add_task("noop", lambda s: None)
    for _ in range(3):
        m.poke()
    assert _wait_for(lambda: m.runs == 1)
    m.close()


def test_a_failing_task_is_logged_and_the_round_goes_on(store, caplog) -> None:
    done: list[int] = []

    def broken(_store) -> None:
        raise RuntimeError("Priya Shah's item")  # personal data must not reach the log

    m = Maintenance(store)
    m.add_task("broken", broken)
    m.add_task("after", lambda s: done.append(1))
    with caplog.at_level(logging.WARNING):
        m.run_now()
    assert done == [1] and m.runs == 1
    assert "broken" in caplog.text and "RuntimeError" in caplog.text
    assert "Priya" not in caplog.text


def test_close_runs_what_is_owed_and_then_ignores_pokes(store) -> None:
    done: list[int] = []
    m = Maintenance(store, idle=3600.0)
    m.add_task("count", lambda s: done.append(1))
    m.close()
    assert done == []  # nothing was owed
    m = Maintenance(store, idle=3600.0)
    m.add_task("count", lambda s: done.append(1))
    m.poke()
    m.close()
    assert done == [1]
    m.poke()
    assert done == [1] and m._thread is None


def test_checkpoint_copies_the_wal_into_the_database(store) -> None:
    with store.session() as s:
        s.execute(text("CREATE TABLE scratch (x)"))
        s.execute(text("INSERT INTO scratch VALUES (1)"))
    busy, frames, copied = checkpoint(store)
    assert busy == 0 and frames > 0 and copied == frames
