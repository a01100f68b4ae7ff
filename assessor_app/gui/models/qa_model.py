"""Table model for a questioning transcript: # | question | answer | satisfied.

Edits go straight to the core (`set_question_field`), one short transaction each, and the
returned `Edit` is handed to `push_edit` for the undo stack. A refused edit (too long) is
reported through `on_error`, and the cell keeps showing what is stored.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from assessor_app.evidence.edits import Edit
from assessor_app.evidence.errors import EvidenceError
from assessor_app.evidence.questioning import QuestionPresence, set_question_field
from assessor_app.store import Store
from assessor_app.store.models import QuestionAnswer

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("#", "Question", "Answer", "Satisfied?")
FIELDS = (None, "question", "answer", "satisfied")
SATISFIED_TEXT = {True: "✔ Yes", False: "✘ Not yet", None: "…  Undecided"}
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class QAModel(QAbstractTableModel):
    def __init__(self, store: Store, push_edit: Callable[[Edit], None],
                 on_error: Callable[[BaseException], None], parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.store = store
        self._push_edit = push_edit
        self._on_error = on_error
        self.evidence_id: int | None = None
        self._rows: list[QuestionAnswer] = []

    def show(self, evidence_id: int | None, rows: list[QuestionAnswer]) -> None:
        """Show rows already read (with the item, off the UI thread)."""
        self.beginResetModel()
        self.evidence_id = evidence_id
        self._rows = list(rows)
        self.endResetModel()

    def show_added(self, edit: QuestionPresence) -> int:
        """Show the row `add_question` just inserted, from its edit (which holds all of it): the
        UI thread reads nothing. Returns its row number here."""
        row = QuestionAnswer(id=edit.row_id, evidence_id=edit.evidence_id,
                             position=edit.position, question=edit.question,
                             answer=edit.answer, satisfied=edit.satisfied)
        at = min(max(edit.position, 0), len(self._rows))
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.insert(at, row)
        self.endInsertRows()
        self.dataChanged.emit(self.index(at, 0), self.index(len(self._rows) - 1, 0))  # the #s
        return at

    def show_removed(self, row_id: int) -> None:
        """Drop a row `remove_question` just deleted; the rows after it move up."""
        at = self.row_of(row_id)
        if at < 0:
            return
        self.beginRemoveRows(QModelIndex(), at, at)
        del self._rows[at]
        self.endRemoveRows()
        if at < len(self._rows):
            self.dataChanged.emit(self.index(at, 0), self.index(len(self._rows) - 1, 0))

    def row_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, row_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == row_id), -1)

    def rows(self) -> list[QuestionAnswer]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() > 0:
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == ROW_ID_ROLE:
            return row.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == 0:
                return str(index.row() + 1)
            if col == 3:
                return row.satisfied if role == Qt.ItemDataRole.EditRole \
                    else SATISFIED_TEXT[row.satisfied]
            value = getattr(row, FIELDS[col])
            if role == Qt.ItemDataRole.DisplayRole and not value:
                return ""
            return value
        if role == Qt.ItemDataRole.ToolTipRole and col in (1, 2):
            return getattr(row, FIELDS[col]) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 3):
            return Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignTop
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        return None

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: ANN001
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == 0:
            return False
        row = self._rows[index.row()]
        field = FIELDS[index.column()]
        if getattr(row, field) == value:
            return False
        try:
            edit = set_question_field(self.store, row.id, field, value)
        except EvidenceError as exc:
            self._on_error(exc)
            return False
        setattr(row, field, value)
        self.dataChanged.emit(index, index)
        self._push_edit(edit)
        return True
