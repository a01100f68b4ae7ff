"""Reads without the ORM: a plain SQLCipher (DB-API) connection on the store's file.

The desktop app's first screen (the learner list) and the open's own checks (schema revision,
leftovers of a killed run) read through this, so SQLAlchemy, SQLModel and pydantic (about 30 MiB
and half a second) load only when the assessor opens something that needs them (`Store.engine`
is built on first use). Nothing here writes: the connection is `query_only`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from assessor_app.store.waiting import BUSY_TIMEOUT_MS
from assessor_app.vault.dbfile import connect

if TYPE_CHECKING:
    import sqlcipher3.dbapi2 as sqlcipher

    from assessor_app.store.engine import Store
    from assessor_app.vault.keys import DataKey

VERSION_TABLE = "alembic_version"


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
    """`read_only_connection` on an open store's file and key."""
    with read_only_connection(store.db_path, store.key) as conn:
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
