"""Dialogs to add a learner and to enrol a learner on units. Refusals from the core (a duplicate
registration, an empty name) appear inline in the dialog; what was typed stays."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from assessor_app.evidence.errors import EvidenceError
from assessor_app.evidence.learners import add_learner, enrol
from assessor_app.evidence.queries import enrol_choices
from assessor_app.gui.dialogs.dialog_parts import dialog_buttons
from assessor_app.gui.support.fit import fit_to_screen
from assessor_app.gui.support.messages import Banner
from assessor_app.gui.support.workers import Loader
from assessor_app.store import Store


class NewLearnerDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New learner")
        self.store = store
        self.learner_id: int | None = None
        self.name = QLineEdit(placeholderText="e.g. Priya Shah")
        self.registration = QLineEdit(placeholderText="Awarding body registration number")
        self.employer = QLineEdit(placeholderText="Workplace")
        self.line_manager = QLineEdit(placeholderText="Who signs the ERS at work")
        self.line_manager_email = QLineEdit(placeholderText="name@example.com (optional)")
        self.uln = QLineEdit(placeholderText="Unique Learner Number, 10 digits (for the ERS)")
        self.uln.setObjectName("uln")
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Registration", self.registration)
        form.addRow("&Employer", self.employer)
        form.addRow("&Line manager", self.line_manager)
        form.addRow("Line manager's e&mail", self.line_manager_email)
        form.addRow("&ULN", self.uln)
        self.banner = Banner()
        buttons = dialog_buttons(self, "Add learner")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.banner)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(460, self.sizeHint().height()))

    def accept(self) -> None:
        try:
            learner = add_learner(
                self.store, self.name.text(), self.registration.text(),
                employer=self.employer.text(), line_manager=self.line_manager.text(),
                line_manager_email=self.line_manager_email.text(), uln=self.uln.text())
        except EvidenceError as exc:
            self.banner.show_error(exc)
            return
        self.learner_id = learner.id
        super().accept()


class EnrolDialog(QDialog):
    """Tick the units to enrol on; units already enrolled are shown ticked and greyed out."""

    def __init__(self, store: Store, learner_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Enrol on units")
        self.store = store
        self.learner_id = learner_id
        self.enrolled: list[str] = []
        self.model = QStandardItemModel(self)
        self.units = QListView()
        self.units.setModel(self.model)
        self.units.setAccessibleName("Units")
        self.hint = QLabel("Loading the unit library…")
        self.hint.setWordWrap(True)
        self.banner = Banner()
        buttons = dialog_buttons(self, "Enrol")
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.units, 1)
        layout.addWidget(self.banner)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(520, 360))
        self._loader = Loader(self)
        self._loader.run(enrol_choices, store, learner_id, on_done=self._loaded,
                         on_error=self.banner.show_error)

    @property
    def busy(self) -> bool:
        return self._loader.busy

    def _loaded(self, result: tuple[list[dict], set[str]]) -> None:
        units, already = result
        for u in units:
            item = QStandardItem(f"{u['reference']}  {u['title']}")
            item.setEditable(False)
            item.setCheckable(True)
            item.setData(u["reference"], Qt.ItemDataRole.UserRole)
            if u["reference"] in already:
                item.setCheckState(Qt.CheckState.Checked)
                item.setEnabled(False)
                item.setToolTip("Already enrolled")
            else:
                item.setCheckState(Qt.CheckState.Unchecked)
            self.model.appendRow(item)
        self.hint.setText("Tick the units to enrol the learner on (Space ticks the selected one)."
                          if units else "No units in the library yet. Import a unit "
                          "specification first (Units ▸ Unit library…, Ctrl+Shift+U).")
        if units:
            self.units.setCurrentIndex(self.model.index(0, 0))

    def tick(self, reference: str) -> None:
        for i in range(self.model.rowCount()):
            item = self.model.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == reference:
                item.setCheckState(Qt.CheckState.Checked)

    def accept(self) -> None:
        items = [self.model.item(i) for i in range(self.model.rowCount())]
        chosen = [it.data(Qt.ItemDataRole.UserRole) for it in items
                  if it.isEnabled() and it.checkState() == Qt.CheckState.Checked]
        try:
            for ref in chosen:
                enrol(self.store, self.learner_id, ref)
                self.enrolled.append(ref)
        except EvidenceError as exc:
            self.banner.show_error(exc)
            return
        super().accept()
