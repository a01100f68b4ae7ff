"""The middle of the visit screen: the editor for one evidence item.

One form whose rows appear by kind: observation and professional discussion (title, start/end
time, narrative), questioning (title, Q/A table, notes), witness testimony (witness details +
testimony), product evidence (title, a short description; its photos and files are the point, so
the visit screen gives the attachments the room), learner statement (title, the learner's own
words). Every field autosaves through the core (debounced, see `autosave`); each save is pushed on
the undo stack. A refused value (too long, a bad time) is reported and left in the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assessor_app.evidence.edits import Edit
from assessor_app.evidence.errors import EvidenceError
from assessor_app.evidence.items import EvidenceDetail, set_evidence_field
from assessor_app.evidence.limits import typed_time
from assessor_app.gui.models.qa_model import QAModel
from assessor_app.gui.support.autosave import AutosaveField
from assessor_app.gui.support.icons import KIND_NAMES
from assessor_app.gui.support.undo import route_undo_keys
from assessor_app.gui.widgets.qa_table import QATable
from assessor_app.store import Store
from assessor_app.store.errors import StoreBusy

BUSY_RETRY_MS = 3000  # another program holds the write lock: try the save again after this
TEXT_LABELS = {"observation": "What you observed", "questioning": "Notes",
               "witness": "Testimony", "product": "Description of the work product",
               "discussion": "Discussion record", "statement": "Learner's statement"}
TEXT_PLACEHOLDERS = {
    "observation": "Type as it happens — it is saved as you type.",
    "questioning": "Anything else worth noting about the questioning.",
    "witness": "What the witness saw the learner do, in the witness's words.",
    "product": "What the product is, who made it and when, and what it shows. "
               "Attach photos or documents of it below.",
    "discussion": "Topics covered and what the learner said, as the discussion goes. "
                  "It is saved as you type.",
    "statement": "The learner's own words: type or paste what they wrote or said, unedited.",
}
TITLE_PLACEHOLDERS = {
    "product": "What the product is, e.g. Customer feedback log, March",
    "discussion": "Topic, e.g. Handling complaints",
    "statement": "Short title (optional), e.g. How I deal with regulars",
}
#: Kinds with a start and end time.
TIMED = frozenset({"observation", "discussion"})


class EvidenceEditor(QWidget):
    saved = Signal()  # a field was saved (the evidence list refreshes its first line)

    def __init__(self, store: Store, push_edit: Callable[[Edit], None],
                 on_error: Callable[[BaseException], None], delay_ms: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._push_edit = push_edit
        self._on_error = on_error
        self.evidence_id: int | None = None
        self.kind = ""

        self.heading = QLabel()
        self.heading.setObjectName("editorHeading")
        self.title = QLineEdit(placeholderText="Short title (optional)")
        self.title.setAccessibleName("Title")
        self._build_times()

        self.witness_name = QLineEdit(placeholderText="Full name")
        self.witness_role = QLineEdit(placeholderText="Job title, e.g. Store manager")
        self.witness_relationship = QLineEdit(placeholderText="e.g. Line manager for 2 years")
        self.witness_contact = QLineEdit(placeholderText="Phone or email")
        self.text = QPlainTextEdit()
        self.text.setObjectName("narrative")
        self.text.setAccessibleName("Narrative")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("Type as it happens — it is saved as you type.")

        self._build_qa(store, push_edit, on_error, delay_ms)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.addRow("Title", self.title)
        self.form.addRow("Time", self.times)
        self.form.addRow("Witness", self.witness_name)
        self.form.addRow("Role", self.witness_role)
        self.form.addRow("Relationship", self.witness_relationship)
        self.form.addRow("Contact", self.witness_contact)
        self.text_label = QLabel("What you observed")
        self.text_label.setBuddy(self.text)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        layout.addWidget(self.qa_box, 3)
        layout.addWidget(self.text_label)
        layout.addWidget(self.text, 2)

        self._wire_fields(delay_ms)
        self.show_item(None)

    # -- saving ------------------------------------------------------------------------------
    def _saver(self, field: str) -> Callable[[Any, Any], bool]:
        def save(_old: Any, new: Any) -> bool:
            if self.evidence_id is None:
                return True
            value = typed_time(new) if field in ("start_time", "end_time") else new
            try:
                edit = set_evidence_field(self.store, self.evidence_id, field, value)
            except EvidenceError as exc:
                self._on_error(exc)
                return False
            except StoreBusy as exc:  # another program holds the lock: keep the text, retry
                self._on_error(exc)
                autosave = self.fields[field]
                QTimer.singleShot(BUSY_RETRY_MS, autosave, autosave.flush)
                return False
            self._push_edit(edit)
            self.saved.emit()
            return True

        return save

    def flush(self) -> None:
        """Save anything typed but not yet saved (before switching item, on close)."""
        for field in self.fields.values():
            if field.pending:
                field.flush()
        if self.qa_table.state() == QATable.State.EditingState:
            editor = self.qa_table.focusWidget()
            if editor is not None and editor is not self.qa_table:
                self.qa_table.commitData(editor)

    def pending(self) -> bool:
        return any(f.pending for f in self.fields.values())

    def _set_now(self, widget: QLineEdit) -> None:
        from datetime import datetime

        widget.setText(datetime.now().strftime("%H:%M"))
        self.fields["start_time" if widget is self.start_time else "end_time"].flush()

    # -- showing -----------------------------------------------------------------------------
    def show_item(self, detail: EvidenceDetail | None) -> None:
        self.evidence_id = detail.item.id if detail else None
        self.kind = detail.item.kind if detail else ""
        item = detail.item if detail else None
        for name, field in self.fields.items():
            value = getattr(item, name, "") if item is not None else ""
            field.load(value or "")
        questioning = detail is not None and self.kind == "questioning"
        self.qa_model.show(self.evidence_id if questioning else None,
                           detail.questions if detail is not None and questioning else [])
        kind = self.kind
        self._set_row_visible(self.times, kind in TIMED)
        for w in (self.witness_name, self.witness_role, self.witness_relationship,
                  self.witness_contact):
            self._set_row_visible(w, kind == "witness")
        self.qa_box.setVisible(kind == "questioning")
        self.text_label.setText(TEXT_LABELS.get(kind, "Text"))
        self.text.setPlaceholderText(TEXT_PLACEHOLDERS.get(kind, TEXT_PLACEHOLDERS["observation"]))
        self.title.setPlaceholderText(TITLE_PLACEHOLDERS.get(kind, "Short title (optional)"))
        self.text.setAccessibleName(TEXT_LABELS.get(kind, "Text"))
        self._show_heading(detail)
        self.setEnabled(detail is not None)

    def _show_heading(self, detail: EvidenceDetail | None) -> None:
        kind = self.kind
        self.heading.setText(f"<b>{detail.ref}</b> · {KIND_NAMES.get(kind, kind)} · "
                             f"{detail.item.date.strftime('%d %b %Y')}" if detail else "")

    def show_read_back(self, detail: EvidenceDetail) -> None:
        """The item shown (a new one, drawn from what was written) has been read back: show its
        reference and question rows; the fields keep what is being typed into them."""
        if detail.item.id != self.evidence_id:
            return
        self._show_heading(detail)
        if self.kind == "questioning":
            self.qa_model.show(self.evidence_id, detail.questions)

    def reload_fields(self, detail: EvidenceDetail) -> None:
        """After undo/redo: show stored values (read in the background) without saving them
        back; a field typed into since the read keeps its typing (it is saved in its turn)."""
        for name, field in self.fields.items():
            if not field.pending:
                field.load(getattr(detail.item, name, "") or "")
        self.qa_model.show(self.evidence_id if self.kind == "questioning" else None,
                           detail.questions if self.kind == "questioning" else [])

    def _set_row_visible(self, widget: QWidget, visible: bool) -> None:
        self.form.setRowVisible(widget, visible)

    def set_read_only(self, read_only: bool) -> None:
        """Locked records: every field shows its text but takes no typing, greyed (the lock
        badge above says why). Pending typing is saved first, before the lock applies."""
        for w in (self.title, self.start_time, self.end_time, self.witness_name,
                  self.witness_role, self.witness_relationship, self.witness_contact):
            w.setReadOnly(read_only)
        self.text.setReadOnly(read_only)
        for w in (self.now_start, self.now_end, self.add_question_button,
                  self.remove_question_button, self.qa_table):
            w.setEnabled(not read_only)
        self.setProperty("locked", read_only)
        self.setStyleSheet("QLineEdit, QPlainTextEdit { background: palette(window); "
                           "color: palette(mid); }" if read_only else "")

    def focus_main_field(self) -> None:
        if self.kind == "questioning":
            row = max(self.qa_model.rowCount() - 1, 0)
            if self.qa_model.rowCount():
                self.qa_table.edit_cell(row, 1)
            else:
                self.qa_table.setFocus()
        elif self.kind == "witness":
            self.witness_name.setFocus()
        else:
            self.text.setFocus()

    # -- building ----------------------------------------------------------------------------
    def _build_times(self) -> None:
        """Start and end time boxes (HH:MM), each with a Now button, as `self.times`."""
        time_re = QRegularExpressionValidator(QRegularExpression(r"^$|^([01]?\d|2[0-3]):?[0-5]?\d?$"))
        self.start_time = QLineEdit(placeholderText="HH:MM", maxLength=5)
        self.end_time = QLineEdit(placeholderText="HH:MM", maxLength=5)
        for w, name in ((self.start_time, "Start time"), (self.end_time, "End time")):
            w.setValidator(time_re)
            w.setAccessibleName(name)
            w.setMaximumWidth(self.fontMetrics().horizontalAdvance("00:00") * 3)
        self.now_start = QPushButton("Now")
        self.now_start.setToolTip("Set the start time to now")
        self.now_end = QPushButton("Now")
        self.now_end.setToolTip("Set the end time to now")
        for b in (self.now_start, self.now_end):
            b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.now_start.clicked.connect(lambda: self._set_now(self.start_time))
        self.now_end.clicked.connect(lambda: self._set_now(self.end_time))
        times = QWidget()
        tl = QHBoxLayout(times)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.start_time)
        tl.addWidget(self.now_start)
        tl.addSpacing(12)
        tl.addWidget(QLabel("to"))
        tl.addWidget(self.end_time)
        tl.addWidget(self.now_end)
        tl.addStretch(1)
        self.times = times

    def _build_qa(self, store: Store, push_edit: Callable[[Edit], None],
                  on_error: Callable[[BaseException], None], delay_ms: int) -> None:
        """The questions-and-answers table with its buttons, as `self.qa_box`."""
        self.qa_model = QAModel(store, push_edit, on_error, self)
        self.qa_table = QATable()
        self.qa_table.text_delegate.delay_ms = delay_ms
        self.qa_table.setModel(self.qa_model)
        self.add_question_button = QPushButton("Add question")
        self.remove_question_button = QPushButton("Remove question")
        qa_buttons = QHBoxLayout()
        qa_buttons.addWidget(self.add_question_button)
        qa_buttons.addWidget(self.remove_question_button)
        qa_buttons.addStretch(1)
        self.qa_box = QWidget()
        qbl = QVBoxLayout(self.qa_box)
        qbl.setContentsMargins(0, 0, 0, 0)
        qbl.addWidget(self.qa_table, 1)
        qbl.addLayout(qa_buttons)

    def _wire_fields(self, delay_ms: int) -> None:
        """Every field saves itself as the user types (undoable) and tabs in reading order."""
        route_undo_keys(self.title, self.start_time, self.end_time, self.witness_name,
                        self.witness_role, self.witness_relationship, self.witness_contact,
                        self.text)
        self.fields: dict[str, AutosaveField] = {}
        for name, widget in (("title", self.title), ("start_time", self.start_time),
                             ("end_time", self.end_time), ("witness_name", self.witness_name),
                             ("witness_role", self.witness_role),
                             ("witness_relationship", self.witness_relationship),
                             ("witness_contact", self.witness_contact), ("text", self.text)):
            self.fields[name] = AutosaveField(widget, self._saver(name), delay_ms=delay_ms)
        self.setTabOrder(self.title, self.start_time)
        self.setTabOrder(self.start_time, self.end_time)
        self.setTabOrder(self.end_time, self.witness_name)
        self.setTabOrder(self.witness_name, self.witness_role)
        self.setTabOrder(self.witness_role, self.witness_relationship)
        self.setTabOrder(self.witness_relationship, self.witness_contact)
        self.setTabOrder(self.witness_contact, self.qa_table)
        self.setTabOrder(self.qa_table, self.text)
