"""Table model for the coverage matrix: one row per unit, one cell per criterion, and for a unit
that states evidence requirements a second row, one cell per requirement.

Each cell shows a symbol and the criterion number ("● 2.1"), so the state reads without colour
(○ not yet evidenced, ◐ evidenced, ● met); the background tint is only a second cue. Requirement
cells read "✓ 4a" (ticked against some evidence) or "○ 4a" (not yet). Only checklist items get a
cell: a group heading ("4 … with:") is not ticked, so it appears as the lead-in of its items'
tooltips instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication

from assessor_app.evidence.coverage import LearnerCoverage
from assessor_app.gui.support import theme

CRITERION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_ROLE = Qt.ItemDataRole.UserRole + 2
REQUIREMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 3
TICKED, NOT_TICKED = "ticked", "not_ticked"  # STATE_ROLE of requirement cells
REQUIREMENT_SYMBOLS = {TICKED: "✓", NOT_TICKED: "○"}
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class CellState:
    criterion_id: int
    number: str
    text: str
    state: str  # "unevidenced" | "evidenced" | "met" | "not_yet"
    evidence_count: int = 0


@dataclass(frozen=True)
class RequirementCell:
    requirement_id: int
    key: str
    text: str
    evidence_ids: tuple[int, ...] = ()
    heading: str = ""  # the text of the group this item belongs to, if any

    @property
    def full_text(self) -> str:
        return f"{self.heading} {self.text}" if self.heading else self.text

    @property
    def state(self) -> str:
        return TICKED if self.evidence_ids else NOT_TICKED

    @property
    def evidence_count(self) -> int:
        return len(self.evidence_ids)


@dataclass(frozen=True)
class UnitCoverageRow:
    unit_id: int
    reference: str
    title: str
    cells: tuple[CellState, ...]
    requirements: tuple[RequirementCell, ...] = ()  # only on a unit's requirements row

    @property
    def is_requirements(self) -> bool:
        return bool(self.requirements)

    @property
    def ticked(self) -> int:
        return sum(r.state == TICKED for r in self.requirements)

    @property
    def met(self) -> int:
        return sum(c.state == "met" for c in self.cells)

    @property
    def evidenced(self) -> int:
        return sum(c.state in ("evidenced", "not_yet", "met") for c in self.cells)


def rows_from_coverage(coverage: LearnerCoverage) -> list[UnitCoverageRow]:
    rows = []
    for u in coverage.units:
        rows.append(UnitCoverageRow(u.unit_id, u.reference, u.title, tuple(
            CellState(c.criterion_id, c.number, c.text, c.state.value, c.evidence_count)
            for c in u.criteria)))
        if u.checklist:
            headings = {r.key: r.text for r in u.requirements if r.is_group}
            rows.append(UnitCoverageRow(u.unit_id, u.reference, u.title, (), tuple(
                RequirementCell(r.requirement_id, r.key, r.text, tuple(r.evidence_ids),
                                headings.get(r.group or "", ""))
                for r in u.checklist)))
    return rows


def symbol_for(state: str) -> str:
    return theme.SYMBOLS.get(state, "○")


def _wrapped(row: UnitCoverageRow, width: int) -> list[UnitCoverageRow]:
    """The row cut into lines of at most `width` cells (0: one line)."""
    n = len(row.cells) or len(row.requirements)
    if width <= 0 or n <= width:
        return [row]
    return [UnitCoverageRow(row.unit_id, row.reference, row.title, row.cells[i:i + width],
                            row.requirements[i:i + width]) for i in range(0, n, width)]


class CoverageModel(QAbstractTableModel):
    """Rows of cells; `set_wrap(n)` lays a unit's criteria out on as many lines of n cells as it
    needs, so the matrix wraps to the window instead of scrolling sideways. `rows()[i]` is the
    (part of a) unit shown on line i."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._logical: list[UnitCoverageRow] = []
        self._rows: list[UnitCoverageRow] = []
        self._origin: list[tuple[UnitCoverageRow, int]] = []  # (whole unit row, line number)
        self._columns = 0
        self._wrap = 0

    def set_rows(self, rows: list[UnitCoverageRow]) -> None:
        self._logical = list(rows)
        self._relayout()

    def set_wrap(self, width: int) -> bool:
        """Cells per line (0: no wrapping). Returns True when the layout changed."""
        if width == self._wrap:
            return False
        self._wrap = width
        self._relayout()
        return True

    def _relayout(self) -> None:
        self.beginResetModel()
        self._rows, self._origin = [], []
        for row in self._logical:
            for part, line in enumerate(_wrapped(row, self._wrap)):
                self._rows.append(line)
                self._origin.append((row, part))
        self._columns = max((len(r.cells) or len(r.requirements) for r in self._rows),
                            default=0)
        self.endResetModel()

    def rows(self) -> list[UnitCoverageRow]:
        return list(self._rows)

    def cell(self, row: int, column: int) -> CellState | None:
        """The criterion in a cell (None for an empty cell or a requirement cell)."""
        if 0 <= row < len(self._rows) and 0 <= column < len(self._rows[row].cells):
            return self._rows[row].cells[column]
        return None

    def requirement(self, row: int, column: int) -> RequirementCell | None:
        if 0 <= row < len(self._rows) and 0 <= column < len(self._rows[row].requirements):
            return self._rows[row].requirements[column]
        return None

    def find(self, criterion_id: int) -> QModelIndex:
        for r, unit in enumerate(self._rows):
            for c, cell in enumerate(unit.cells):
                if cell.criterion_id == criterion_id:
                    return self.index(r, c)
        return QModelIndex()

    def find_requirement(self, requirement_id: int) -> QModelIndex:
        for r, unit in enumerate(self._rows):
            for c, req in enumerate(unit.requirements):
                if req.requirement_id == requirement_id:
                    return self.index(r, c)
        return QModelIndex()

    def find_key(self, reference: str, key: str) -> QModelIndex:
        """The requirement cell of unit `reference` with key `key` ("4a")."""
        for r, unit in enumerate(self._rows):
            if unit.reference == reference:
                for c, req in enumerate(unit.requirements):
                    if req.key == key:
                        return self.index(r, c)
        return QModelIndex()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._columns

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if self.cell(index.row(), index.column()) is None and \
                self.requirement(index.row(), index.column()) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        cell = self.cell(index.row(), index.column())
        if cell is None:
            req = self.requirement(index.row(), index.column())
            return None if req is None else self._requirement_data(req, role)
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

    @staticmethod
    def _requirement_data(req: RequirementCell, role: int):  # noqa: ANN205
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{REQUIREMENT_SYMBOLS[req.state]} {req.key}"
        if role == Qt.ItemDataRole.ToolTipRole:
            n = req.evidence_count
            state = (f"Ticked by {n} piece{'s' if n != 1 else ''} of evidence" if n
                     else "Not ticked by any evidence yet")
            return f"Requirement {req.key}: {req.full_text}\n\n{state}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Requirement {req.key}, {'ticked' if req.evidence_ids else 'not ticked yet'}"
        if role == Qt.ItemDataRole.BackgroundRole:
            return theme.state_fill(QGuiApplication.palette(),
                                    "met" if req.evidence_ids else "unevidenced")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == REQUIREMENT_ID_ROLE:
            return req.requirement_id
        if role == STATE_ROLE:
            return req.state
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            row, _line = self._origin[section]  # every line of a wrapped unit is labelled
            if row.is_requirements:
                n = len(row.requirements)
                if role == Qt.ItemDataRole.DisplayRole:
                    return f"↳ requirements {row.ticked}/{n}"
                if role == Qt.ItemDataRole.ToolTipRole:
                    return (f"{row.reference} evidence requirements: {row.ticked} of {n} ticked "
                            "against some evidence")
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{row.reference}  {row.met}/{len(row.cells)} met"
            if role == Qt.ItemDataRole.ToolTipRole:
                return (f"{row.reference} {row.title}\n{row.met} met, {row.evidenced} evidenced, "
                        f"{len(row.cells)} criteria")
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None
