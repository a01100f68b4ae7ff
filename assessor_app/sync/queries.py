"""What the GUI reads and writes about sync, each call one short transaction: the outbox
snapshot for the status bar (read-only session) and the centre's settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import select

from assessor_app.store import Store
from assessor_app.store.models import OutboxItem
from assessor_app.sync.outbox import OutboxStatus, outbox_status
from assessor_app.sync.settings import SyncSettings, load_settings, save_settings


@dataclass(frozen=True)
class OutboxSnapshot:
    """What the status bar shows when nothing is running."""

    status: OutboxStatus
    configured: bool
    last_sent_at: datetime | None


def read_outbox(store: Store) -> OutboxSnapshot:
    with store.read_session() as s:
        status = outbox_status(s)
        configured = load_settings(s) is not None
        last = s.exec(select(func.max(OutboxItem.sent_at))).one()
    if isinstance(last, datetime) and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)  # SQLite hands back naive datetimes
    return OutboxSnapshot(status, configured, last if isinstance(last, datetime) else None)


def read_sync_settings(store: Store) -> SyncSettings | None:
    with store.read_session() as s:
        return load_settings(s)


def write_sync_settings(store: Store, settings: SyncSettings) -> None:
    with store.session() as s:
        save_settings(s, settings)
