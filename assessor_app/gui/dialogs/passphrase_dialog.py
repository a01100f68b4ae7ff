"""Settings ▸ "Change passphrase…": the current passphrase, the new one typed twice.

The change itself (data key re-wrapped, signing keys re-encrypted, keyring updated, crash-safe)
is `signoff.passphrase.change_passphrase`, run on a pool thread (scrypt takes a moment).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from assessor_app.gui.dialogs.dialog_parts import dialog_buttons
from assessor_app.gui.support.workers import Job, run_in_background
from assessor_app.signoff.keys import KeyStoreError
from assessor_app.signoff.passphrase import (
    MIN_LENGTH,
    change_passphrase,
    current_passphrase,
    passphrase_chosen,
    passphrase_problem,
)
from assessor_app.store import Store


def change_in_background(store: Store, old: str, new: str, confirm: str) -> str:
    """'' when changed, else the sentence saying why not (nothing changed then)."""
    try:
        change_passphrase(store, old, new, confirm)
    except KeyStoreError as exc:
        return str(exc)
    return ""


def _secret(name: str, placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    return field


class PassphraseDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle("Change passphrase")
        self.store = store
        # before the assessor chose one, the keyring's random passphrase is the current one
        self._known = None if passphrase_chosen(store) else current_passphrase()
        self.old = _secret("currentPassphrase")
        self.new = _secret("newPassphrase", f"At least {MIN_LENGTH} characters")
        self.confirm = _secret("confirmPassphrase", "Type it again")
        intro = QLabel("Your passphrase opens your data, your signing key and your backups. "
                       "Backups made after a change open only with the new passphrase: keep it "
                       "somewhere safe.")
        intro.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("passphraseProblem")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        if self._known is None:
            form.addRow("&Current passphrase", self.old)
        form.addRow("&New passphrase", self.new)
        form.addRow("&Type it again", self.confirm)
        self.buttons = dialog_buttons(self)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.problem)
        lay.addWidget(self.buttons)
        self.job: Job | None = None
        self.changed = False

    def accept(self) -> None:
        if self.job is not None:
            return
        if problem := passphrase_problem(self.new.text(), self.confirm.text()):
            self.problem.setText(f"⚠ {problem}")
            return
        old = self._known if self._known is not None else self.old.text()
        self.problem.setText("Changing…")
        self.buttons.setEnabled(False)
        self.job = run_in_background(change_in_background, self.store, old, self.new.text(),
                                     self.confirm.text(), on_done=self._done,
                                     on_error=self._done, owner=self)

    def _done(self, problem: str) -> None:
        self.job = None
        self.buttons.setEnabled(True)
        if problem:
            self.problem.setText(f"⚠ {problem}")
            return
        self.changed = True
        if self.store.typed_passphrase is not None:  # no keyring: this session's copy follows
            self.store.typed_passphrase = self.new.text()
        super().accept()
