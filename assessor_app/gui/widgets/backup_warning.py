"""Status bar note when the last backup is older than a day of changes (checked in the
background at start, every half hour and after the settings were open)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from assessor_app.gui.support.workers import run_in_background

if TYPE_CHECKING:
    from assessor_app.store import Store

CHECK_EVERY_MS = 30 * 60_000


def _status(store: Store) -> object:
    from assessor_app.backup.status import backup_status

    return backup_status(store)


class BackupWarning(QLabel):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setObjectName("backupWarning")
        self.setStyleSheet("color: #b35c00;")
        self.hide()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(CHECK_EVERY_MS)
        self.refresh()

    def refresh(self) -> None:
        run_in_background(_status, self.store, owner=self, on_done=self._show)

    def _show(self, status: object) -> None:
        overdue = bool(getattr(status, "overdue", False))
        self.setText("⚠ Not backed up for over a day of changes" if overdue else "")
        self.setToolTip(getattr(status, "message", lambda: "")())
        self.setVisible(overdue)
