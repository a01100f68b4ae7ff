"""Tree model for the criteria picker: units → learning outcomes → criteria (checkable).

The model never writes: ticking a box emits `toggle_requested(criterion_id, checked)`, the visit
screen asks the core to map/unmap (as an undoable command) and then calls `set_checked`. So the
boxes always show what is stored, even when the core refuses a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from assessor_app.evidence.coverage import UnitCoverage
from assessor_app.gui.models.base import NodeTreeModel
from assessor_app.gui.support import theme

FILTER_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
ID_ROLE = Qt.ItemDataRole.UserRole + 3
FULL_TEXT_ROLE = Qt.ItemDataRole.UserRole + 4
PLANNED_ROLE = Qt.ItemDataRole.UserRole + 5
STATE_ROLE = Qt.ItemDataRole.UserRole + 6

_Index = QModelIndex | QPersistentModelIndex
_R = Qt.ItemDataRole
#: The roles `CriteriaTreeModel.data` answers.
_ANSWERED = frozenset(int(r) for r in (
    _R.DisplayRole, _R.ToolTipRole, _R.CheckStateRole, _R.FontRole, _R.BackgroundRole,
    _R.AccessibleDescriptionRole, _R.ForegroundRole, FULL_TEXT_ROLE, FILTER_ROLE, KIND_ROLE,
    ID_ROLE, PLANNED_ROLE, STATE_ROLE))


@dataclass
class _Node:
    kind: str  # "unit" | "outcome" | "criterion"
    id: int
    label: str
    full_text: str
    parent: int  # index into the model's node list, -1 for top level
    row: int
    children: list[int] = field(default_factory=list)
    search: str = ""


class CriteriaTreeModel(NodeTreeModel):
    toggle_requested = Signal(int, bool)

    def __init__(self, parent=None) -> None:  # noqa: ANN001 - QObject parent
        super().__init__(parent)
        self._nodes: list[_Node] = []
        self._criterion_node: dict[int, int] = {}
        self._checked: set[int] = set()
        self._planned: set[int] = set()
        self._states: dict[int, str] = {}
        self._enabled = True

    # -- loading ---------------------------------------------------------------------------
    def set_units(self, units: list[UnitCoverage]) -> None:
        """Build the tree from the learner's coverage (enrolled units only), with states."""
        self.beginResetModel()
        self._nodes, self._top, self._criterion_node = [], [], {}
        self._states = {c.criterion_id: c.state.value for u in units for c in u.criteria}
        for urow, unit in enumerate(units):
            u_idx = self._add(_Node("unit", unit.version_id, f"{unit.reference}  {unit.title}",
                                    f"{unit.reference} {unit.title}", -1, urow))
            self._top.append(u_idx)
            self._nodes[u_idx].search = f"{unit.reference} {unit.title}".lower()
            for orow, outcome in enumerate(unit.outcomes):
                o_idx = self._add(_Node("outcome", outcome.outcome_id, f"{outcome.number}  {outcome.text}",
                                        f"Outcome {outcome.number}: {outcome.text}", u_idx, orow))
                self._nodes[u_idx].children.append(o_idx)
                self._nodes[o_idx].search = f"{outcome.number} {outcome.text}".lower()
                for crow, crit in enumerate(outcome.criteria):
                    c_idx = self._add(_Node(
                        "criterion", crit.criterion_id, f"{crit.number}  {crit.text}",
                        f"{unit.reference} · {crit.number}\n{crit.text}", o_idx, crow))
                    self._nodes[o_idx].children.append(c_idx)
                    # The unit reference is searchable too: "K/503 1.2" finds exactly that one.
                    self._nodes[c_idx].search = \
                        f"{unit.reference} {crit.number} {crit.text}".lower()
                    self._criterion_node[crit.criterion_id] = c_idx
        self.endResetModel()

    def _add(self, node: _Node) -> int:
        self._nodes.append(node)
        return len(self._nodes) - 1

    def set_checked(self, criterion_ids: set[int]) -> None:
        """Show these criteria as ticked (what the current evidence item is mapped to)."""
        changed = self._checked ^ set(criterion_ids)
        self._checked = set(criterion_ids)
        self._emit_changed(changed)

    def set_states(self, units: list[UnitCoverage]) -> None:
        """Live coverage: update each criterion's ○ ◐ ● without rebuilding the tree."""
        self.set_criterion_states({c.criterion_id: c.state.value
                                   for u in units for c in u.criteria})

    def set_criterion_states(self, states: dict[int, str]) -> None:
        """Some criteria's states ("unevidenced", "evidenced", "met"); only rows whose state
        changed are announced."""
        changed = {cid for cid, st in states.items() if self._states.get(cid) != st}
        self._states.update(states)
        self._emit_changed(changed)

    def state(self, criterion_id: int) -> str:
        return self._states.get(criterion_id, "unevidenced")

    def set_planned(self, criterion_ids: set[int]) -> None:
        changed = self._planned ^ set(criterion_ids)
        self._planned = set(criterion_ids)
        self._emit_changed(changed)

    def set_enabled(self, enabled: bool) -> None:
        """Disabled when no evidence item is selected: nothing to map to. Only the boxes and
        the text colour change, which the view reads when it paints: no row is announced (the
        picker repaints), so no row is measured again."""
        self._enabled = enabled

    def enabled(self) -> bool:
        return self._enabled

    def checked(self) -> set[int]:
        return set(self._checked)

    def _emit_changed(self, criterion_ids: set[int]) -> None:
        for cid in criterion_ids:
            node = self._criterion_node.get(cid)
            if node is not None:
                idx = self._index_of(node)
                self.dataChanged.emit(idx, idx)
                parent = self._nodes[node].parent
                if parent >= 0:  # outcome and unit show a count of ticked criteria
                    p = self._index_of(parent)
                    self.dataChanged.emit(p, p)
                    u = self._index_of(self._nodes[parent].parent)
                    self.dataChanged.emit(u, u)

    def index_for_criterion(self, criterion_id: int) -> QModelIndex:
        node = self._criterion_node.get(criterion_id)
        return QModelIndex() if node is None else self._index_of(node)

    def criterion_label(self, criterion_id: int) -> str:
        node = self._criterion_node.get(criterion_id)
        return "" if node is None else self._nodes[node].label

    def criterion_unit_reference(self, criterion_id: int) -> str:
        node = self._criterion_node.get(criterion_id)
        if node is None:
            return ""
        unit = self._nodes[self._nodes[self._nodes[node].parent].parent]
        return unit.label.split("  ", 1)[0]

    def criterion_parts(self, criterion_id: int) -> tuple[str, str, str] | None:
        """(unit reference, number, text) of a criterion in the tree."""
        node = self._criterion_node.get(criterion_id)
        if node is None:
            return None
        number, _, text = self._nodes[node].label.partition("  ")
        return self.criterion_unit_reference(criterion_id), number, text

    def criterion_ids(self) -> list[int]:
        return list(self._criterion_node)

    # -- QAbstractItemModel ----------------------------------------------------------------
    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def _checkable(self, index: _Index) -> bool:
        return self._nodes[index.internalId()].kind == "criterion" and self._enabled

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        # A paint asks each row for roles this model never answers (decoration, alignment…):
        # they return at once instead of after every comparison below.
        if role not in _ANSWERED or not index.isValid():
            return None
        node = self._nodes[index.internalId()]
        if role == Qt.ItemDataRole.DisplayRole:
            if node.kind == "criterion":
                mark = "  ◆ planned" if node.id in self._planned else ""
                return f"{theme.SYMBOLS.get(self.state(node.id), '○')} {node.label}{mark}"
            ticked = self._ticked_under(index.internalId())
            return node.label + (f"  ({ticked} ticked)" if ticked else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = node.full_text
            if node.kind == "criterion":
                tip += f"\n\nFor this learner: {theme.LABELS[self.state(node.id)]}."
                if node.id in self._planned:
                    tip += "\nPlanned for this visit."
            return tip
        if role == FULL_TEXT_ROLE:
            return node.full_text
        if role == Qt.ItemDataRole.CheckStateRole and node.kind == "criterion":
            return Qt.CheckState.Checked if node.id in self._checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.FontRole and (node.kind == "unit" or node.id in self._planned
                                                 and node.kind == "criterion"):
            font = QFont(QGuiApplication.font())
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and node.kind == "criterion" \
                and node.id in self._planned:
            return theme.state_fill(QGuiApplication.palette(), "planned")
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and node.kind == "criterion":
            return "planned for this visit" if node.id in self._planned else ""
        if role == FILTER_ROLE:
            return node.search
        if role == KIND_ROLE:
            return node.kind
        if role == ID_ROLE:
            return node.id
        if role == PLANNED_ROLE:
            return node.id in self._planned
        if role == STATE_ROLE and node.kind == "criterion":
            return self.state(node.id)
        if role == Qt.ItemDataRole.ForegroundRole and not self._enabled and node.kind == "criterion":
            return QGuiApplication.palette().color(QPalette.ColorGroup.Disabled,
                                                   QPalette.ColorRole.Text)
        return None

    def _ticked_under(self, node_idx: int) -> int:
        node = self._nodes[node_idx]
        if node.kind == "criterion":
            return int(node.id in self._checked)
        return sum(self._ticked_under(c) for c in node.children)

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: ANN001
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        node = self._nodes[index.internalId()]
        if node.kind != "criterion":
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) \
            else value
        self.toggle_requested.emit(node.id, checked)
        return True


class CriteriaFilterProxy(QSortFilterProxyModel):
    """Filter-as-you-type on number or text. A matching unit or outcome keeps all its criteria;
    a matching criterion keeps its ancestors. Every word typed must match (in any order)."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self._words: list[str] = []

    def set_filter_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.lower().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if not self._words:
            return True
        idx = self.sourceModel().index(source_row, 0, source_parent)
        haystack = str(idx.data(FILTER_ROLE) or "")
        return all(w in haystack for w in self._words)
