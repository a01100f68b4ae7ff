"""Table model for the coverage matrix: one row per unit, one cell per criterion.

Each cell shows a symbol and the criterion number ("● 2.1"), so the state reads without colour
(○ not yet evidenced, ◐ evidenced, ● met); the background tint is only a second cue.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication

from assessor_app.evidence.coverage import LearnerCoverage
from assessor_app.gui import theme

CRITERION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_ROLE = Qt.ItemDataRole.UserRole + 2
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class CellState:
    criterion_id: int
    number: str
    text: str
    state: str  # "unevidenced" | "evidenced" | "met" | "not_yet"
    evidence_count: int = 0


@dataclass(frozen=True)
class UnitCoverageRow:
    unit_id: int
    reference: str
    title: str
    cells: tuple[CellState, ...]

    @property
    def met(self) -> int:
        return sum(c.state == "met" for c in self.cells)

    @property
    def evidenced(self) -> int:
        return sum(c.state in ("evidenced", "not_yet", "met") for c in self.cells)


def rows_from_coverage(coverage: LearnerCoverage) -> list[UnitCoverageRow]:
    return [
        UnitCoverageRow(u.unit_id, u.reference, u.title, tuple(
            CellState(c.criterion_id, c.number, c.text, c.state.value, len(c.evidence_ids))
            for c in u.criteria))
        for u in coverage.units
    ]


def symbol_for(state: str) -> str:
    return theme.SYMBOLS.get(state, "○")


class CoverageModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._rows: list[UnitCoverageRow] = []
        self._columns = 0

    def set_rows(self, rows: list[UnitCoverageRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._columns = max((len(r.cells) for r in rows), default=0)
        self.endResetModel()

    def rows(self) -> list[UnitCoverageRow]:
        return list(self._rows)

    def cell(self, row: int, column: int) -> CellState | None:
        if 0 <= row < len(self._rows) and 0 <= column < len(self._rows[row].cells):
            return self._rows[row].cells[column]
        return None

    def find(self, criterion_id: int) -> QModelIndex:
        for r, unit in enumerate(self._rows):
            for c, cell in enumerate(unit.cells):
                if cell.criterion_id == criterion_id:
                    return self.index(r, c)
        return QModelIndex()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._columns

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if self.cell(index.row(), index.column()) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        cell = self.cell(index.row(), index.column())
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{symbol_for(cell.state)} {cell.number}"
        if role == Qt.ItemDataRole.ToolTipRole:
            n = cell.evidence_count
            pieces = f"{n} piece{'s' if n != 1 else ''} of evidence"
            return f"{cell.number} {cell.text}\n\n{theme.LABELS[cell.state].capitalize()} · {pieces}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Criterion {cell.number}, {theme.LABELS[cell.state]}"
        if role == Qt.ItemDataRole.BackgroundRole:
            return theme.state_fill(QGuiApplication.palette(), cell.state)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == CRITERION_ID_ROLE:
            return cell.criterion_id
        if role == STATE_ROLE:
            return cell.state
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            row = self._rows[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{row.reference}  {row.met}/{len(row.cells)} met"
            if role == Qt.ItemDataRole.ToolTipRole:
                return (f"{row.reference} {row.title}\n{row.met} met, {row.evidenced} evidenced, "
                        f"{len(row.cells)} criteria")
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None
