"""The status bar's outbox snapshot is read without the ORM (`sync.status_read`; the CLI's
`outbox_status` reads the same in its session); it says what the ORM's own queries and the
settings say, in every state an item can be in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, func, select

from assessor_app.store import Store
from assessor_app.store.models import OutboxItem, OutboxState
from assessor_app.sync import outbox, status_read
from assessor_app.sync.queries import read_sync_settings, write_sync_settings
from assessor_app.sync.settings import SyncSettings
from tests.sync.helpers import file_ers


def _orm_snapshot(store: Store) -> tuple:
    """The same figures through the ORM's own queries (the reference)."""
    done = (OutboxState.SENT.value, OutboxState.WITHHELD.value)
    state = col(OutboxItem.state)
    with store.read_session() as s:
        counts = dict(s.exec(select(OutboxItem.state, func.count()).group_by(state)).all())
        pending = s.exec(select(func.coalesce(func.sum(OutboxItem.size), 0))
                         .where(state.not_in(done))).one()
        next_at = s.exec(select(func.min(OutboxItem.next_attempt_at))
                         .where(state == OutboxState.QUEUED.value)).one()
        problem = s.exec(select(OutboxItem.failure_reason)
                         .where(state.not_in(done), OutboxItem.failure_reason != "")
                         .order_by(col(OutboxItem.updated_at).desc())).first()
        last = s.exec(select(func.max(OutboxItem.sent_at))).one()
        in_session = outbox.outbox_status(s)
    status = status_read.OutboxStatus(
        counts.get("queued", 0), counts.get("uploading", 0), counts.get("sent", 0),
        counts.get("failed", 0), int(pending), next_at and next_at.replace(tzinfo=UTC),
        problem or "")
    assert in_session == status  # the CLI's read, in its own session
    return status, last


def test_the_state_names_are_the_models() -> None:
    names = (status_read.QUEUED, status_read.UPLOADING, status_read.SENT, status_read.FAILED,
             status_read.WITHHELD)
    assert tuple(s.value for s in OutboxState) == names


def test_the_snapshot_matches_the_orm_in_every_state(store: Store) -> None:
    empty = status_read.read_outbox(store)
    assert empty.status == _orm_snapshot(store)[0] and empty.status.all_sent
    assert not empty.configured and empty.last_sent_at is None
    ids = [file_ers(store, f"status {n}").outbox_item_id for n in range(5)]
    now = datetime.now(UTC).replace(microsecond=0)
    changes = [(OutboxState.SENT, "", None, now - timedelta(hours=1)),
               (OutboxState.FAILED, "The centre refused the login.", None, None),
               (OutboxState.QUEUED, "A temporary problem.", now + timedelta(minutes=5), None),
               (OutboxState.UPLOADING, "", None, None),
               (OutboxState.WITHHELD, "Withheld: voided.", None, None)]
    with store.session() as s:
        for item_id, (state, reason, next_at, sent_at) in zip(ids, changes, strict=True):
            item = s.get(OutboxItem, item_id)
            item.state, item.failure_reason = state.value, reason
            item.next_attempt_at, item.sent_at = next_at, sent_at
            s.add(item)
    write_sync_settings(store, SyncSettings("https://dav.example.org/ers/", "alex"))
    snap = status_read.read_outbox(store)
    status, last = _orm_snapshot(store)
    assert snap.status == status
    assert (status.queued, status.uploading, status.sent, status.failed) == (1, 1, 1, 1)
    assert snap.status.next_attempt_at == now + timedelta(minutes=5)
    assert snap.status.problem in ("The centre refused the login.", "A temporary problem.")
    assert snap.last_sent_at == last.replace(tzinfo=UTC) == now - timedelta(hours=1)
    assert snap.configured
    assert read_sync_settings(store) == SyncSettings("https://dav.example.org/ers/", "alex")
