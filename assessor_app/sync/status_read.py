"""Where the outbox stands, for the status bar: read in one read-only snapshot through a plain
DB-API connection (`store.raw`), so the window's sync indicator shows without the ORM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from assessor_app.store.raw import read_only, stored_datetime
from assessor_app.sync.settings import SETTING_KEY

if TYPE_CHECKING:
    from assessor_app.store import Store

#: `store.models.OutboxState`'s values (tests/sync checks they agree).
QUEUED, UPLOADING, SENT, FAILED, WITHHELD = "queued", "uploading", "sent", "failed", "withheld"


@dataclass(frozen=True)
class OutboxStatus:
    queued: int
    uploading: int
    sent: int
    failed: int
    pending_bytes: int
    next_attempt_at: datetime | None  # earliest scheduled retry among queued items
    problem: str  # the user-facing reason of the most recent failure, or ""

    @property
    def pending(self) -> int:
        return self.queued + self.uploading + self.failed

    @property
    def all_sent(self) -> bool:
        return self.pending == 0


@dataclass(frozen=True)
class OutboxSnapshot:
    """What the status bar shows when nothing is running."""

    status: OutboxStatus
    configured: bool
    last_sent_at: datetime | None


_DONE = (SENT, WITHHELD)
_STATUS_SQL = f"""
SELECT (SELECT coalesce(sum(size), 0) FROM outbox_item WHERE state NOT IN (?, ?)),
       (SELECT min(next_attempt_at) FROM outbox_item WHERE state = '{QUEUED}'),
       (SELECT failure_reason FROM outbox_item WHERE state NOT IN (?, ?) AND failure_reason != ''
        ORDER BY updated_at DESC LIMIT 1),
       (SELECT max(sent_at) FROM outbox_item),
       EXISTS (SELECT 1 FROM setting WHERE key = ?)
"""


def read_outbox(store: Store) -> OutboxSnapshot:
    with read_only(store) as conn:
        return snapshot_in(conn)


def snapshot_in(conn: Any) -> OutboxSnapshot:
    """The snapshot through `conn`, a DB-API connection (a plain one, or an open session's)."""
    counts = dict(conn.execute("SELECT state, count(*) FROM outbox_item GROUP BY state"))
    pending_bytes, next_at, problem, last, configured = conn.execute(
        _STATUS_SQL, (*_DONE, *_DONE, SETTING_KEY)).fetchone()
    status = OutboxStatus(queued=counts.get(QUEUED, 0), uploading=counts.get(UPLOADING, 0),
                          sent=counts.get(SENT, 0), failed=counts.get(FAILED, 0),
                          pending_bytes=int(pending_bytes or 0),
                          next_attempt_at=stored_datetime(next_at), problem=problem or "")
    return OutboxSnapshot(status, bool(configured), stored_datetime(last))
