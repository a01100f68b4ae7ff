"""Settings ▸ Backup: when the last backup was made, and backing up now to the centre's store or
to a folder (a USB stick). The work runs in the background; the page only shows and starts it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assessor_app.gui.support.workers import run_in_background
from assessor_app.store import Store


def _to_centre(store: Store) -> object:
    from assessor_app.backup.targets import backup_to_configured_centre

    return backup_to_configured_centre(store)


def _to_folder(store: Store, folder: str) -> object:
    from pathlib import Path

    from assessor_app.backup.run import backup_run
    from assessor_app.backup.targets import FolderTarget

    return backup_run(store, FolderTarget(Path(folder)))


def _status(store: Store) -> object:
    from assessor_app.backup.status import backup_status

    return backup_status(store)


class BackupPage(QWidget):
    backed_up = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.busy = False
        intro = QLabel("Backups are encrypted: only your passphrase opens them, and the "
                       "centre's server never sees learners' data. Every sync also backs up.")
        intro.setWordWrap(True)
        self.last = QLabel("Last backup: …")
        self.last.setObjectName("lastBackup")
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.to_centre = QPushButton("Back up to the &centre now")
        self.to_folder = QPushButton("Back up to a &folder…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.to_centre)
        buttons.addWidget(self.to_folder)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        for w in (intro, self.last):
            layout.addWidget(w)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.to_centre.clicked.connect(lambda: self.start(_to_centre, self.store))
        self.to_folder.clicked.connect(self._choose_folder)
        self.refresh()

    def refresh(self) -> None:
        run_in_background(_status, self.store, owner=self,
                          on_done=lambda st: self.last.setText(st.message()))

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Back up to which folder?")
        if folder:
            self.start(_to_folder, self.store, folder)

    def start(self, fn: object, *args: object) -> None:
        self.busy = True
        self.to_centre.setEnabled(False)
        self.to_folder.setEnabled(False)
        self.result.setText("Backing up…")
        run_in_background(fn, *args, owner=self, on_done=self._done,  # type: ignore[arg-type]
                          on_error=self._failed)

    def _finish(self, text: str) -> None:
        self.result.setText(text)
        self.to_centre.setEnabled(True)
        self.to_folder.setEnabled(True)
        self.busy = False
        self.refresh()

    def _done(self, result: object) -> None:
        self._finish(f"Backed up {getattr(result, 'files', 0)} files "
                     f"({getattr(result, 'uploaded', 0)} new objects sent).")
        self.backed_up.emit()

    def _failed(self, message: str) -> None:
        self._finish(f"Not backed up: {message}")
