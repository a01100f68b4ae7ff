""""Unlock…": the one way to change a record a valid sign-off covers (or a completed visit).

It names what the change will void and asks why; the reason is kept with the voided sign-off and
in the audit trail. Cancel is the default button: Enter never voids a signature.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assessor_app.gui.support.fit import fit_to_screen
from assessor_app.signoff.locks import LockingSignOff


def unlock_message(what: str, signoffs: Sequence[LockingSignOff],
                   visit_completed_on: date | None) -> str:
    """Rich text: what is locked, what unlocking voids, what stays."""
    parts = []
    if signoffs:
        items = "".join(f"<li>{html.escape(s.label)}</li>" for s in signoffs)
        parts.append(f"<p>{html.escape(what)} is covered by:</p><ul>{items}</ul>"
                     "<p><b>Unlocking voids "
                     + ("this sign-off" if len(signoffs) == 1 else "these sign-offs")
                     + ".</b> The learner, line manager and you will need to sign again. The "
                       "signed version stays readable under Sign-offs and ERS, and the centre "
                       "is sent a void notice if it has the sheet.</p>")
    if visit_completed_on is not None:
        parts.append(f"<p>The visit was completed on {visit_completed_on.day} "
                     f"{visit_completed_on:%b %Y}. A change now is recorded as a new version "
                     "of the evidence.</p>")
    return "".join(parts)


class UnlockDialog(QDialog):
    def __init__(self, what: str, signoffs: Sequence[LockingSignOff],
                 visit_completed_on: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self.setWindowTitle("Unlock signed record" if signoffs else "Unlock completed visit")
        text = QLabel(unlock_message(what, signoffs, visit_completed_on))
        text.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("unlockReason")
        self.reason.setPlaceholderText("Why? For example: learner's name misspelt")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        label = ("Unlock and void " + ("sign-off" if len(signoffs) == 1 else "sign-offs")
                 if signoffs else "Unlock")
        self.unlock_button = QPushButton(label)
        self.unlock_button.setObjectName("unlockConfirm")
        self.unlock_button.setAutoDefault(False)
        self.unlock_button.setEnabled(False)
        buttons.addButton(self.unlock_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        lay = QVBoxLayout(self)
        lay.addWidget(text)
        lay.addWidget(QLabel("&Reason (kept with the voided sign-off and the audit trail):",
                             buddy=self.reason))
        lay.addWidget(self.reason)
        lay.addWidget(buttons)
        self.reason.textChanged.connect(
            lambda t: self.unlock_button.setEnabled(bool(t.strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        fit_to_screen(self, QSize(520, self.sizeHint().height()))

    def reason_text(self) -> str:
        return self.reason.text().strip()
