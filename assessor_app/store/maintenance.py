"""Work that would make a save slow, done once the saving has paused: in a background thread.

The autosave path commits without checkpointing the WAL (see `assessor_app.evidence.hot_edit`)
and leaves its full-text indexing for later; each save calls `Maintenance.poke()`. Once no poke
has come for `idle` seconds (or `max_pokes` saves came without a pause), the thread runs the
registered tasks (each in its own short transaction: e.g. indexing the typed text) and then a
PASSIVE checkpoint, which copies the WAL into the database file without waiting for, or
blocking, readers and writers. Durability does not depend on it: every save is committed to the
WAL before the save returns (synchronous=NORMAL), and SQLite checkpoints when the last
connection closes. `close()` stops the thread and runs the tasks one last time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assessor_app.store.engine import Store

log = logging.getLogger(__name__)

Task = Callable[["Store"], object]

IDLE_SECONDS = 0.3  # the GUI's autosave waits 400 ms after the last keystroke
AUTOCHECKPOINT_PAGES = 1000  # SQLite's default, which the other writers keep
MAX_POKES = 500  # a bound on the WAL's growth when saves never pause (scripts, benchmarks)


class Maintenance:
    """One per `Store`; the thread starts with the first poke."""

    def __init__(self, store: Store, *, idle: float = IDLE_SECONDS,
                 max_pokes: int = MAX_POKES) -> None:
        self._store = store
        self._idle = idle
        self._max_pokes = max_pokes
        self._tasks: dict[str, Task] = {}
        self._wake = threading.Condition()
        self._last_poke = 0.0
        self._pokes = 0
        self._thread: threading.Thread | None = None
        self._closing = False
        self.runs = 0  # completed rounds (tests wait on it)

    def add_task(self, name: str, task: Task) -> None:
        """Run `task(store)` in every round (same name: replaced, so callers may repeat it)."""
        self._tasks[name] = task

    def poke(self) -> None:
        """A save was committed: run a round once saving pauses. Cheap: no wake-up per call."""
        with self._wake:
            if self._closing:
                return
            self._last_poke = time.monotonic()
            self._pokes += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="store-maintenance",
                                                daemon=True)
                self._thread.start()
            elif self._pokes == 1 or self._pokes >= self._max_pokes:
                self._wake.notify()

    def run_now(self) -> None:
        """One round in the calling thread (the tasks and a checkpoint)."""
        for name, task in list(self._tasks.items()):
            try:
                task(self._store)
            except Exception as exc:  # noqa: BLE001 - a later round or the next save retries
                log.warning("Background task %s failed: %s", name, type(exc).__name__)
        try:
            checkpoint(self._store)
        except Exception as exc:  # noqa: BLE001 - SQLite checkpoints again on close
            log.warning("WAL checkpoint failed: %s", type(exc).__name__)
        self.runs += 1

    def _due(self) -> float:
        """Seconds until a round is due (0: now); called holding the lock."""
        if self._pokes == 0:
            return float("inf")
        if self._pokes >= self._max_pokes:
            return 0.0
        return max(0.0, self._last_poke + self._idle - time.monotonic())

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._closing and (wait := self._due()) > 0:
                    self._wake.wait(None if wait == float("inf") else wait)
                if self._closing:
                    return
                self._pokes = 0
            self.run_now()

    def close(self) -> None:
        """Stop the thread; run a last round if saves came since the previous one."""
        with self._wake:
            self._closing = True
            pending = self._pokes > 0
            self._wake.notify()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()
            if pending:
                self.run_now()


def checkpoint(store: Store) -> tuple[int, int, int]:
    """A PASSIVE checkpoint on a pooled connection: (busy, WAL frames, frames copied)."""
    conn = store.engine.raw_connection()
    try:
        cur = conn.cursor()
        try:
            row = cur.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            cur.close()
    finally:
        conn.close()
    return tuple(row) if row else (0, 0, 0)
