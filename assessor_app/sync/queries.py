"""What the GUI reads and writes about sync, each call one short transaction: the centre's
settings (and, from `sync.status_read`, the outbox snapshot for the status bar)."""

from __future__ import annotations

from assessor_app.store import Store
from assessor_app.store.raw import setting_values
from assessor_app.sync.settings import SETTING_KEY, SyncSettings, save_settings
from assessor_app.sync.status_read import OutboxSnapshot, read_outbox  # noqa: F401 - also here


def read_sync_settings(store: Store) -> SyncSettings | None:
    """The saved settings (read without the ORM: the status bar's probe reads them)."""
    stored = setting_values(store, [SETTING_KEY]).get(SETTING_KEY)
    return SyncSettings.from_json(stored) if stored is not None else None


def write_sync_settings(store: Store, settings: SyncSettings) -> None:
    with store.session() as s:
        save_settings(s, settings)
