"""Reads without the ORM: a plain SQLCipher (DB-API) connection on the store's file.

The desktop app's first screen (the learner list) and the open's own checks (schema revision,
leftovers of a killed run) read through this, so SQLAlchemy, SQLModel and pydantic (about 30 MiB
and half a second) load only when the assessor opens something that needs them (`Store.engine`
is built on first use). Nothing here writes: the connection is `query_only`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessor_app.store.errors import StoreError
from assessor_app.store.waiting import BUSY_TIMEOUT_MS
from assessor_app.vault.dbfile import connect

if TYPE_CHECKING:
    import sqlcipher3.dbapi2 as sqlcipher

    from assessor_app.store.engine import Store
    from assessor_app.vault.keys import DataKey

VERSION_TABLE = "alembic_version"
CLOSE_WAIT_S = 10.0


class PlainReads:
    """A store's plain snapshots in flight. Each opens its own connection (the ORM's pool keeps
    its connections), so `Store.close` waits for them to end and refuses new ones: once it
    returns, no connection of the store is open (nor reopens the file) — SQLite removes the
    -wal and -shm files when the last one closes."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._open = 0
        self._closed = False

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._changed:
            if self._closed:
                raise StoreError("The database is closed.")
            self._open += 1
        try:
            yield
        finally:
            with self._changed:
                self._open -= 1
                self._changed.notify_all()

    def close(self, timeout: float = CLOSE_WAIT_S) -> None:
        with self._changed:
            self._closed = True
            self._changed.wait_for(lambda: self._open == 0, timeout)


@contextmanager
def read_only_connection(db_path: Path, key: DataKey | None
                         ) -> Iterator[sqlcipher.Connection]:
    """One read-only snapshot of the file (a deferred transaction that never takes the write
    lock, WAL), closed when the block ends."""
    conn = connect(db_path, key)
    try:
        conn.isolation_level = None  # BEGIN / ROLLBACK below, not the module's own
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only=ON")
        conn.execute("BEGIN")  # every statement of the block sees the same snapshot
        try:
            yield conn
        finally:
            conn.execute("ROLLBACK")
    finally:
        conn.close()


@contextmanager
def read_only(store: Store) -> Iterator[sqlcipher.Connection]:
    """`read_only_connection` on an open store's file and key (`StoreError` once it is
    closed)."""
    with store.plain_reads.reading(), read_only_connection(store.db_path, store.key) as conn:
        yield conn


def stored_revision(db_path: Path, key: DataKey | None) -> str | None:
    """The schema revision the file says it is at (None for a new or foreign file). Raises the
    driver's `DatabaseError` when the key does not open it or the file is damaged."""
    with read_only_connection(db_path, key) as conn:
        exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                              (VERSION_TABLE,)).fetchone()
        if not exists:
            return None
        row = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
    return row[0] if row else None


def setting_values(store: Store, keys: Iterable[str]) -> dict[str, str]:
    """The stored values of those `setting` keys that exist (as stored, not stripped), in one
    read-only snapshot."""
    wanted = list(keys)
    marks = ", ".join("?" for _ in wanted)
    with read_only(store) as conn:
        rows = conn.execute(f"SELECT key, value FROM setting WHERE key IN ({marks})",
                            wanted).fetchall()
    return dict(rows)


def stored_datetime(value: Any) -> datetime | None:
    """A DateTime column read through a plain connection, as the ORM hands it back: the stored
    text (UTC, no offset) parsed, in UTC."""
    if value is None:
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=UTC)
