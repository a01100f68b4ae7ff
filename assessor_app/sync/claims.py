"""The sync run's claims on outbox rows, in plain SQL: a batch of due rows is marked "uploading"
(attempts+1, remote path fixed, temporary name recorded before anything is uploaded) in one
transaction, and each claimed row is handed to a worker as a plain `Claimed` copy, so the upload
path never touches the ORM. A row voided since the run started is withheld instead; a row already
sent (or withheld) is skipped."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Table, bindparam, update
from sqlmodel import Session

from assessor_app.store.models import OutboxItem, OutboxState
from assessor_app.store.models._common import utcnow
from assessor_app.sync import void_notices
from assessor_app.sync.layout import part_name, remote_path_for
from assessor_app.sync.settings import SyncSettings
from assessor_app.sync.summary import ItemOutcome

_T: Table = OutboxItem.__table__  # type: ignore[attr-defined]
#: UPDATE outbox_item SET <the keys of each row's dict> WHERE id = :_id (one executemany).
BY_ID = update(_T).where(_T.c.id == bindparam("_id"))
# The claim's read and write as the driver's own statements: per row, SQLAlchemy's parameter
# handling cost more than SQLite's work. The read says, with each row, whether its ERS belongs
# to a sign-off voided since the run started (as `void_notices.void_item_ids` does).
_READ = ("SELECT o.id, o.state, o.failure_reason, o.filename, o.sha256, o.size, o.local_path, "
         "o.remote_path, o.part_path, o.attempts, o.learner_registration, o.unit_reference, "
         "s.status = 'void' FROM outbox_item o "
         "LEFT JOIN ers_document d ON d.id = o.ers_document_id "
         "LEFT JOIN signoff s ON s.id = d.signoff_id WHERE o.id IN ({})")
_CLAIM = ("UPDATE outbox_item SET state = ?, remote_path = ?, part_path = ?, attempts = ?, "
          "last_attempt_at = ?, updated_at = ? WHERE id = ?")


@dataclass
class Claimed:
    """What the upload of one claimed outbox row needs (the row's values as claimed)."""

    id: int
    sha256: str
    size: int
    filename: str
    local_path: str
    remote_path: str
    part_path: str
    attempts: int


def claim(s: Session, item_ids: list[int], settings: SyncSettings,
          ) -> tuple[list[tuple[Claimed, str]], list[ItemOutcome]]:
    """Claim these rows in the caller's transaction. Returns the claimed ones, each with the
    temporary name an interrupted attempt left behind ("" if none), and the outcomes of the
    rows not claimed (withheld, or already confirmed)."""
    conn = s.connection()
    rows = {r[0]: r for r in conn.exec_driver_sql(
        _READ.format(", ".join("?" * len(item_ids))), tuple(item_ids))}
    now = utcnow()
    stamp = _T.c.updated_at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    stored_now = stamp(now) if stamp is not None else now  # as the ORM would store `now`
    claimed: list[tuple[Claimed, str]] = []
    skipped: list[ItemOutcome] = []
    withheld: list[dict[str, object]] = []
    changes: list[tuple[object, ...]] = []
    for item_id in item_ids:
        r = rows.get(item_id)
        state, reason = (r.state, r.failure_reason) if r is not None else ("", "")
        if r is not None and state != OutboxState.WITHHELD.value and r[-1]:
            state, reason = OutboxState.WITHHELD.value, void_notices.WITHHELD_REASON
            withheld.append({"_id": item_id, "state": state, "failure_reason": reason,
                             "updated_at": now})  # voided since the run started
        if r is None or state in (OutboxState.SENT.value, OutboxState.WITHHELD.value):
            skipped.append(ItemOutcome(item_id, r.filename, "withheld", reason)
                           if r is not None and state == OutboxState.WITHHELD.value
                           else ItemOutcome(item_id, "", "already_there", "already confirmed"))
            continue
        remote = r.remote_path or remote_path_for(
            settings.layout, centre=settings.centre, learner_registration=r.learner_registration,
            unit_reference=r.unit_reference, filename=r.filename)
        stale = r.part_path
        # The temporary name is recorded before the PUT, so a crash can never orphan it.
        part = stale or part_name(remote, uuid.uuid4().hex[:16])
        item = Claimed(item_id, r.sha256, r.size, r.filename, r.local_path, remote, part,
                       r.attempts + 1)
        changes.append((OutboxState.UPLOADING.value, remote, part, item.attempts, stored_now,
                        stored_now, item_id))
        claimed.append((item, stale))
    if withheld:
        conn.execute(BY_ID, withheld)
    if changes:
        conn.exec_driver_sql(_CLAIM, changes)
    return claimed, skipped


def unclaim(s: Session, ready: list[tuple[Claimed, str]]) -> None:
    """Claimed rows the run never started (it stopped): back in the queue, untried."""
    if ready:
        now = utcnow()
        s.connection().execute(BY_ID, [
            {"_id": item.id, "state": OutboxState.QUEUED.value, "attempts": item.attempts - 1,
             "part_path": stale, "updated_at": now} for item, stale in ready])
