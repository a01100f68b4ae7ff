"""Learner ▸ Export learner's data… (a subject access request: a readable zip) and Learner ▸
Erase learner… (the awarding body's retention rule shown first; the registration number typed
to confirm). The work is the core's (`assessor_app.privacy`), run in the background."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from assessor_app.gui.support.workers import run_in_background
from assessor_app.store import Store


def export_learner_data(parent: QWidget, store: Store, registration: str,
                        on_done: Callable[[str], None]) -> None:
    """Ask where, then write the zip in the background; `on_done(message)` when finished."""
    from assessor_app.privacy.export import export_learner

    path, _ = QFileDialog.getSaveFileName(parent, "Export everything held about this learner",
                                          "learner-export.zip", "Zip archive (*.zip)")
    if not path:
        return
    run_in_background(
        export_learner, store, registration, Path(path), owner=parent,
        on_done=lambda s: on_done(f"Exported {s.rows} records, {s.attachments} attachments and "
                                  f"{s.documents} ERS documents to {s.path}."),
        on_error=lambda m: QMessageBox.warning(parent, "Export failed", m))


class EraseLearnerDialog(QDialog):
    """Shows the retention rule, asks for the registration number, then erases."""

    def __init__(self, store: Store, registration: str, name: str,
                 parent: QWidget | None = None) -> None:
        from assessor_app.privacy.erase import retention_of

        super().__init__(parent)
        self.setWindowTitle("Erase learner")
        self.store = store
        self.registration = registration
        self.busy = True
        self.erased = False
        self.rule = QLabel("Reading the retention rule…")
        self.rule.setWordWrap(True)
        warning = QLabel(f"Erasing {name} removes every record, attachment and filed ERS of "
                         "this learner from this computer, for good (the centre keeps what it "
                         "was sent). The audit trail records that an erasure happened.")
        warning.setWordWrap(True)
        self.confirm = QLineEdit()
        self.confirm.setPlaceholderText(f"Type {registration} to confirm")
        self.problem = QLabel("")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.erase_button = self.buttons.addButton("Erase for good",
                                                   QDialogButtonBox.ButtonRole.DestructiveRole)
        self.erase_button.setEnabled(False)
        layout = QVBoxLayout(self)
        for w in (self.rule, warning, self.confirm, self.problem, self.buttons):
            layout.addWidget(w)
        self.confirm.textChanged.connect(
            lambda t: self.erase_button.setEnabled(t.strip() == registration and not self.busy))
        self.erase_button.clicked.connect(self._erase)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(480)
        run_in_background(retention_of, store, registration, owner=self,
                          on_done=self._show_rule, on_error=self._failed)

    def _show_rule(self, retention: object) -> None:
        self.rule.setText(retention.explain())
        self.busy = False
        self.erase_button.setEnabled(self.confirm.text().strip() == self.registration)

    def _failed(self, message: str) -> None:
        self.busy = False
        self.problem.setText(message)

    def _erase(self) -> None:
        self.busy = True
        self.erase_button.setEnabled(False)
        self.problem.setText("Erasing…")
        run_in_background(_erase_sealed, self.store, self.registration, owner=self,
                          writes=True, on_done=self._erased, on_error=self._failed)

    def _erased(self, _report: object) -> None:
        self.erased = True
        self.busy = False
        self.accept()


def _erase_sealed(store: Store, registration: str) -> object:
    """On a worker: erase, sealing the trail at once when the signing key opens without asking."""
    from assessor_app.privacy.erase import erase_learner
    from assessor_app.privacy.sealing import unlocked_identity

    return erase_learner(store, registration, identity=unlocked_identity(store))
