"""The lock badge over a read-only editor: why it is locked, and the "Unlock…" button."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from assessor_app.signoff.locks import EvidenceLock

LOCK = "Locked:"  # no lock symbol: the common Linux fonts have none (it drew as a box)


def lock_text(lock: EvidenceLock) -> str:
    if lock.signoffs:
        names = ", ".join(s.label for s in lock.signoffs)
        return f"{LOCK} signed, read-only. Covered by {names}."
    if lock.visit_completed_on is not None:
        d = lock.visit_completed_on
        return f"{LOCK} completed visit ({d.day} {d:%b %Y}), read-only."
    return ""


class LockBadge(QFrame):
    """Hidden when nothing is locked. `unlock_requested` when the user presses Unlock…"""

    unlock_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockBadge")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setObjectName("lockBadgeText")
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.button = QPushButton("Unlock…")
        self.button.setObjectName("unlockButton")
        self.button.setToolTip("Change this record: asks why, and names the sign-offs it voids")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.button)
        self.button.clicked.connect(self.unlock_requested)
        self.hide()

    def show_lock(self, lock: EvidenceLock | None) -> None:
        text = lock_text(lock) if lock is not None else ""
        self.label.setText(text)
        self.setVisible(bool(text))
