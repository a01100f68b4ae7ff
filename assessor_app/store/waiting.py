"""Writers wait for the write lock instead of failing, and say that they are waiting.

A write transaction starts with BEGIN IMMEDIATE. When another process holds the lock (a sync run,
another window, a script), we retry in short steps, tell the caller once through `WaitHooks`
("waiting…", shown by the GUI and printed by the CLI) and give up with `StoreBusy` only after
`max_wait` seconds, with a message that says what to do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assessor_app.store.errors import StoreBusy

if TYPE_CHECKING:  # SQLAlchemy loads with the first session (see store.engine)
    from sqlalchemy import Connection
    from sqlalchemy.exc import OperationalError

BUSY_STEP_MS = 250  # one BEGIN attempt's own wait inside SQLite
BUSY_TIMEOUT_MS = 5000  # the connection's normal busy timeout (restored after BEGIN)
WAITING_MESSAGE = "Waiting for another Assessor companion window or program to finish saving…"


@dataclass
class WaitHooks:
    """Per-store settings for waiting writers. `on_wait(message)` is called (from the writing
    thread) when a write has to wait and `on_wait("")` once it got the lock."""

    on_wait: Callable[[str], None] | None = None
    max_wait: float = 120.0
    # How long the calling thread may wait, when it differs (a window's own thread must not
    # freeze for long: it gives up sooner, keeps the typing and tries again later).
    max_wait_here: Callable[[], float | None] | None = None
    _listeners: list[Callable[[str], None]] = field(default_factory=list)

    def limit(self) -> float:
        here = self.max_wait_here() if self.max_wait_here is not None else None
        return self.max_wait if here is None else here

    def notify(self, message: str) -> None:
        for cb in [self.on_wait, *self._listeners]:
            if cb is not None:
                cb(message)

    def add_listener(self, cb: Callable[[str], None]) -> None:
        self._listeners.append(cb)

    def remove_listener(self, cb: Callable[[str], None]) -> None:
        if cb in self._listeners:
            self._listeners.remove(cb)


def _is_busy(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


def begin_waiting(conn: Connection, mode: str, hooks: WaitHooks | None) -> None:
    """Emit `BEGIN <mode>`; for write transactions, wait (reporting it) while the lock is held."""
    from sqlalchemy.exc import OperationalError

    if mode == "DEFERRED" or hooks is None:
        conn.exec_driver_sql(f"BEGIN {mode}")
        return
    conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_STEP_MS}")
    waited = False
    start = time.monotonic()
    try:
        while True:
            try:
                conn.exec_driver_sql(f"BEGIN {mode}")
                break
            except OperationalError as exc:
                if not _is_busy(exc):
                    raise
                limit = hooks.limit()
                if time.monotonic() - start >= limit:
                    if waited:
                        hooks.notify("")
                    raise StoreBusy(
                        f"Another program has kept the database busy for over {limit:.0f} s. "
                        "Close other Assessor companion windows or wait for a running sync to "
                        "finish, then try again.") from exc
                if not waited:
                    hooks.notify(WAITING_MESSAGE)
                    waited = True
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if waited:
        hooks.notify("")
