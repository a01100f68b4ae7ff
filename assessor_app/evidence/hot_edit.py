"""The autosave hot path: one text field of one evidence item, written with two prepared
statements in one short write transaction, without the ORM.

Autosave runs after every pause in typing, so its cost is felt; the general path
(`locking.change_evidence`) loads the item through the ORM and asks the sign-off tables whether
anything needs voiding. Here the row itself says so: `evidence_item.signoff_live` is kept by
triggers (migration 0003). When it is set, or the item is missing, or anything goes wrong, this
path changes nothing and says so, and the caller takes the general path, which announces the change
(`EvidenceChanging`), raises the usual errors and so on as before. Skipping the announcement is
only right while every listener of `EvidenceChanging` has declared that it acts only on items a
live sign-off covers (`only_for_signed_items`); otherwise this path steps aside.

The transaction is the same as the general path's: BEGIN IMMEDIATE, read, write, COMMIT, so a
crash loses at most the keystrokes not yet handed to this call. Two kinds of work that made one
commit in a hundred slow (5–100 ms) are left to the store's background maintenance, which runs
once saving pauses: the WAL checkpoint (this commit does not auto-checkpoint) and updating the
full-text index (migration 0008 keeps the indexed copy aside instead; see `search_index`).
"""

from __future__ import annotations

from typing import Any

from assessor_app.evidence.events import EvidenceChanging
from assessor_app.evidence.search_index import schedule_indexing
from assessor_app.store import Store
from assessor_app.store.events import listeners_of
from assessor_app.store.maintenance import AUTOCHECKPOINT_PAGES
from assessor_app.store.models._common import utcnow

#: Fields a keystroke edits: plain text columns with no rule beyond their length or format.
HOT_FIELDS = frozenset({"text", "title", "witness_name", "witness_role", "witness_relationship",
                        "witness_contact", "start_time", "end_time"})

#: "missing / covered by a sign-off / failed: take the general path".
NOT_HANDLED = object()
#: The field already held the value: nothing was written.
SAME = object()

# Column names come from HOT_FIELDS only, never from the caller's input.
_READ = {f: f"SELECT {f}, signoff_live FROM evidence_item WHERE id = ?" for f in HOT_FIELDS}
_WRITE = {f: f"UPDATE evidence_item SET {f} = ?, updated_at = ? WHERE id = ?" for f in HOT_FIELDS}


def _stamp() -> str:
    # The text SQLAlchemy's SQLite DateTime stores (UTC, no offset), so ORM reads see the same.
    return utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")


def _listeners_skip_unsigned() -> bool:
    listeners = listeners_of(EvidenceChanging)
    return bool(listeners) and all(getattr(f, "only_for_signed_items", False) for f in listeners)


def set_hot_field(store: Store, evidence_id: int, field_name: str, value: Any) -> Any:
    """Write an already validated `value`; return the old value, `SAME`, or `NOT_HANDLED`."""
    if field_name not in HOT_FIELDS or not _listeners_skip_unsigned():
        return NOT_HANDLED
    dbapi_error = store.engine.dialect.loaded_dbapi.Error
    conn = store.engine.raw_connection()
    try:
        cur = conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
            row = cur.execute(_READ[field_name], (evidence_id,)).fetchone()
            if row is None or row[1]:
                cur.execute("ROLLBACK")
                return NOT_HANDLED
            if row[0] == value:
                cur.execute("ROLLBACK")
                return SAME
            cur.execute(_WRITE[field_name], (value, _stamp(), evidence_id))
            # The checkpoint waits for the background (restored at once: the connection is
            # pooled, and other writers keep SQLite's automatic checkpoints).
            cur.execute("PRAGMA wal_autocheckpoint=0")
            try:
                cur.execute("COMMIT")
            finally:
                cur.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
            old = row[0]
        except dbapi_error:
            # Locked past the busy timeout, disk full…: undo whatever began and let the general
            # path try and report it in the app's words.
            if conn.dbapi_connection is not None and conn.dbapi_connection.in_transaction:
                cur.execute("ROLLBACK")
            return NOT_HANDLED
        finally:
            cur.close()
    finally:
        conn.close()  # back to the pool
    schedule_indexing(store)
    return old
