"""Bringing the full-text index up to date with text typed since it was last indexed.

An edit of an item's title, text or witness details does not touch the FTS5 index in the
autosave's transaction: the first such edit copies what the index holds into
`evidence_fts_pending` (migration 0008) and the index's source view keeps showing that copy, so
index and view always agree. `index_pending` then indexes the current text of every pending item
in one short transaction: the store's background maintenance does it once typing pauses, and
`search_evidence` does it before it searches, so a search always sees what the user sees.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from assessor_app.evidence.db import Db
from assessor_app.store import Store

COLUMNS = "title, body, qa, witness, learner"  # the index's columns (migrations 0003, 0008)
TASK_NAME = "evidence-search-index"

_ANY_PENDING = "SELECT EXISTS (SELECT 1 FROM evidence_fts_pending)"
_PENDING_IDS = "SELECT id FROM evidence_fts_pending ORDER BY id"
# While an item is pending the view shows the copy, which is what the index holds: remove it…
_UNINDEX = (f"INSERT INTO evidence_fts(evidence_fts, rowid, {COLUMNS}) "
            f"SELECT 'delete', id, {COLUMNS} FROM evidence_fts_source "
            "WHERE id IN (SELECT id FROM evidence_fts_pending)")
_FORGET = "DELETE FROM evidence_fts_pending"
# …then, the copies gone, the view shows the current text: index that.
_REINDEX = (f"INSERT INTO evidence_fts(rowid, {COLUMNS}) "
            f"SELECT id, {COLUMNS} FROM evidence_fts_source WHERE id = ?")


def _index_with(cursor: Any) -> int:
    """The work, on a DB-API cursor already inside a write transaction."""
    ids = [(row[0],) for row in cursor.execute(_PENDING_IDS).fetchall()]
    if ids:
        cursor.execute(_UNINDEX)
        cursor.execute(_FORGET)
        cursor.executemany(_REINDEX, ids)
    return len(ids)


def index_pending(db: Db) -> int:
    """Index the current text of every item edited since it was last indexed; return how many.

    With a `Store`: its own short transaction, only when something is pending (one cheap read
    otherwise). With a `Session` that can write: inside it. A read-only snapshot cannot index; it
    is left as it is (callers that search pass the store)."""
    if isinstance(db, Session):
        if db.execute(text("PRAGMA query_only")).scalar():
            return 0
        cursor = db.connection().connection.cursor()
        try:
            return _index_with(cursor)
        finally:
            cursor.close()
    return _index_in_own_transaction(db)


def _index_in_own_transaction(store: Store) -> int:
    dbapi_error = store.engine.dialect.loaded_dbapi.Error
    conn = store.engine.raw_connection()
    try:
        cursor = conn.cursor()
        try:
            if not cursor.execute(_ANY_PENDING).fetchone()[0]:
                return 0
            cursor.execute("BEGIN IMMEDIATE")  # waits up to the connection's busy timeout
            try:
                done = _index_with(cursor)
            except dbapi_error:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
            return done
        finally:
            cursor.close()
    finally:
        conn.close()


def schedule_indexing(store: Store) -> None:
    """Ask the store's background maintenance to index the pending text once saving pauses."""
    store.maintenance.add_task(TASK_NAME, index_pending)
    store.maintenance.poke()
