"""Tree model for the evidence-requirements panel: units → requirements, checkable against the
current evidence item, with a second column saying which other items already tick it. A group
heading ("4 … relationships with:") is a bold parent without a box, its lettered items (4a … 4d)
its children: only they are ticked and counted.

Like the criteria picker's model it never writes: a click emits `toggle_requested(requirement_id,
checked)`; the visit screen asks the core (an undoable edit) and then feeds the stored state back
with `set_units`. So a box always shows what is stored, even after a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from assessor_app.evidence.coverage import UnitCoverage
from assessor_app.gui.models.base import NodeTreeModel

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
KEY_ROLE = Qt.ItemDataRole.UserRole + 3
FULL_TEXT_ROLE = Qt.ItemDataRole.UserRole + 4
ELSEWHERE_ROLE = Qt.ItemDataRole.UserRole + 5  # tuple of refs of other items that tick it

REQUIREMENT_COL, ELSEWHERE_COL = 0, 1
TICK, NOT_YET = "✓", "○"
_Index = QModelIndex | QPersistentModelIndex


@dataclass
class _Node:
    kind: str  # "unit" | "group" | "requirement"
    id: int  # unit id or requirement id (a group is a requirement row too)
    key: str  # requirement key ("4a"); the unit reference for units
    text: str
    parent: int  # index into the node list; -1 for a unit
    row: int = 0
    evidence_ids: tuple[int, ...] = ()
    children: list[int] = field(default_factory=list)


class RequirementsModel(NodeTreeModel):
    toggle_requested = Signal(int, bool)  # requirement id, ticked

    def __init__(self, parent=None) -> None:  # noqa: ANN001 - QObject parent
        super().__init__(parent)
        self._nodes: list[_Node] = []
        self._by_requirement: dict[int, int] = {}
        self._refs: dict[int, str] = {}
        self._current: int | None = None

    # -- loading ---------------------------------------------------------------------------
    def set_units(self, units: list[UnitCoverage], refs: dict[int, str] | None = None) -> None:
        """Show the requirements of these units (units without any are left out). `refs` names
        evidence items ("OBS-2") for the "ticked elsewhere" column. If the same requirements are
        shown already, only the ticks are updated, so the selection and scroll position stay."""
        self._refs = dict(refs or {})
        wanted = [(u.unit_id, [r.requirement_id for r in u.requirements])
                  for u in units if u.requirements]
        shown = [(self._nodes[t].id, [self._nodes[c].id for c in self._walk(t)])
                 for t in self._top]
        if wanted == shown:
            self.set_ticks({r.requirement_id: tuple(r.evidence_ids)
                            for u in units for r in u.requirements if not r.is_group})
            return
        self.beginResetModel()
        self._nodes, self._top, self._by_requirement = [], [], {}
        for unit in units:
            if not unit.requirements:
                continue
            u_idx = self._add(_Node("unit", unit.unit_id, unit.reference, unit.title, -1,
                                    len(self._top)))
            self._top.append(u_idx)
            by_key: dict[str, int] = {}
            for req in unit.requirements:
                parent = by_key.get(req.group, u_idx) if req.group else u_idx
                siblings = self._nodes[parent].children
                kind = "group" if req.is_group else "requirement"
                r_idx = self._add(_Node(kind, req.requirement_id, req.key, req.text,
                                        parent, len(siblings), tuple(req.evidence_ids)))
                siblings.append(r_idx)
                by_key[req.key] = r_idx
                self._by_requirement[req.requirement_id] = r_idx
        self.endResetModel()

    def set_current(self, evidence_id: int | None) -> None:
        """The evidence item the boxes tick (None: nothing selected, boxes disabled)."""
        if evidence_id == self._current:
            return
        old, self._current = self._current, evidence_id
        # Only rows the old or the new item ticks read differently; re-announcing every row
        # would make the view measure every wrapped line again. (Whether boxes are enabled is
        # read when painting: the panel repaints, see RequirementsPanel.set_current.)
        for i, node in enumerate(self._nodes):
            if node.kind == "requirement" and (old in node.evidence_ids
                                               or evidence_id in node.evidence_ids):
                self.dataChanged.emit(self._index_of(i, REQUIREMENT_COL),
                                      self._index_of(i, ELSEWHERE_COL))

    def current(self) -> int | None:
        return self._current

    def _add(self, node: _Node) -> int:
        self._nodes.append(node)
        return len(self._nodes) - 1

    def _walk(self, idx: int) -> list[int]:
        out: list[int] = []
        for c in self._nodes[idx].children:
            out.append(c)
            out.extend(self._walk(c))
        return out

    def set_ticks(self, evidence_ids: dict[int, tuple[int, ...]],
                  refs: dict[int, str] | None = None) -> None:
        """Which items tick some requirements now (others keep theirs); `refs` names items
        not named before. Only the rows whose ticks changed, and the counts above them, are
        announced: every row re-announced would make the view measure every wrapped line."""
        self._refs.update(refs or {})
        changed: set[int] = set()
        for requirement_id, ids in evidence_ids.items():
            node = self._by_requirement.get(requirement_id)
            if node is not None and self._nodes[node].evidence_ids != tuple(ids):
                self._nodes[node].evidence_ids = tuple(ids)
                changed.add(node)
                parent = self._nodes[node].parent
                while parent >= 0:  # groups and the unit show counts
                    changed.add(parent)
                    parent = self._nodes[parent].parent
        for i in sorted(changed):
            self.dataChanged.emit(self._index_of(i, REQUIREMENT_COL),
                                  self._index_of(i, ELSEWHERE_COL))

    # -- queries ---------------------------------------------------------------------------
    def requirement_ids(self) -> list[int]:
        """The tickable requirements shown (group headings left out), in tree order."""
        return [self._nodes[c].id for t in self._top for c in self._walk(t)
                if self._nodes[c].kind == "requirement"]

    def index_for_requirement(self, requirement_id: int, column: int = 0) -> QModelIndex:
        node = self._by_requirement.get(requirement_id)
        return QModelIndex() if node is None else self._index_of(node, column)

    def index_for_key(self, unit_reference: str, key: str) -> QModelIndex:
        for t in self._top:
            if self._nodes[t].key == unit_reference:
                for c in self._walk(t):
                    if self._nodes[c].key == key:
                        return self._index_of(c)
        return QModelIndex()

    def ticked_by_current(self) -> list[str]:
        """Keys ticked against the current item, as "L/601/1239 4a", in tree order."""
        if self._current is None:
            return []
        return [f"{self._nodes[t].key} {self._nodes[c].key}" for t in self._top
                for c in self._walk(t) if self._current in self._nodes[c].evidence_ids]

    def counts(self) -> tuple[int, int]:
        """(requirements ticked by any item, requirements shown), group headings not counted."""
        return self._leaf_counts([c for t in self._top for c in self._walk(t)])

    def _leaf_counts(self, node_ids: list[int]) -> tuple[int, int]:
        leaves = [self._nodes[n] for n in node_ids if self._nodes[n].kind == "requirement"]
        return sum(1 for n in leaves if n.evidence_ids), len(leaves)

    def _elsewhere(self, node: _Node) -> tuple[str, ...]:
        return tuple(self._refs.get(e, f"#{e}") for e in node.evidence_ids if e != self._current)

    def _unit_of(self, node_idx: int) -> _Node:
        while self._nodes[node_idx].parent >= 0:
            node_idx = self._nodes[node_idx].parent
        return self._nodes[node_idx]

    # -- QAbstractItemModel ----------------------------------------------------------------
    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 2

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Requirement (tick for this item)", "Other evidence")[section]
        return None

    def _checkable(self, index: _Index) -> bool:
        return (self._nodes[index.internalId()].kind == "requirement"
                and index.column() == REQUIREMENT_COL and self._current is not None)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        node = self._nodes[index.internalId()]
        col = index.column()
        if node.kind == "unit":
            return self._unit_data(index.internalId(), col, role)
        if node.kind == "group":
            return self._group_data(index.internalId(), col, role)
        here = self._current is not None and self._current in node.evidence_ids
        elsewhere = self._elsewhere(node)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == REQUIREMENT_COL:
                return f"{node.key}  {node.text}"
            if elsewhere:
                more = f" +{len(elsewhere) - 2}" if len(elsewhere) > 2 else ""
                return f"{TICK} {', '.join(elsewhere[:2])}{more}"
            return f"{NOT_YET} none"
        if role == Qt.ItemDataRole.CheckStateRole and col == REQUIREMENT_COL:
            return Qt.CheckState.Checked if here else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            unit = self._unit_of(index.internalId())
            lines = [f"{unit.key} requirement {node.key}", node.text, ""]
            lines.append("Ticked for this item." if here else "Not ticked for this item.")
            lines.append(f"Also ticked by: {', '.join(elsewhere)}." if elsewhere
                         else "No other evidence ticks it yet.")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if col == REQUIREMENT_COL:
                return f"Requirement {node.key}: {node.text}"
            return (f"Also ticked by {', '.join(elsewhere)}" if elsewhere
                    else "Not ticked by other evidence")
        if role == Qt.ItemDataRole.ForegroundRole and col == REQUIREMENT_COL \
                and self._current is None:
            return QGuiApplication.palette().color(QPalette.ColorGroup.Disabled,
                                                   QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.ForegroundRole and col == ELSEWHERE_COL and not elsewhere:
            return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == FULL_TEXT_ROLE:
            unit = self._unit_of(index.internalId())
            return f"{unit.key} · requirement {node.key}\n{node.text}"
        if role == ELSEWHERE_ROLE:
            return elsewhere
        return self._common(node, role)

    def _unit_data(self, node_idx: int, col: int, role: int):  # noqa: ANN202
        node = self._nodes[node_idx]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == REQUIREMENT_COL:
                return f"{node.key}  {node.text}"
            ticked, total = self._leaf_counts(self._walk(node_idx))
            return f"{ticked} of {total} ticked"
        if role == Qt.ItemDataRole.FontRole:
            font = QFont(QGuiApplication.font())
            font.setBold(True)
            return font
        if role in (Qt.ItemDataRole.ToolTipRole, FULL_TEXT_ROLE):
            return (f"{node.key} {node.text}\nEvidence requirements the unit states beyond its "
                    "criteria.")
        return self._common(node, role)

    def _group_data(self, node_idx: int, col: int, role: int):  # noqa: ANN202
        node = self._nodes[node_idx]
        items = [self._nodes[c].key for c in node.children]
        ticked, total = self._leaf_counts(node.children)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{node.key}  {node.text}" if col == REQUIREMENT_COL else \
                f"{ticked} of {total} ticked"
        if role == Qt.ItemDataRole.FontRole and col == REQUIREMENT_COL:
            font = QFont(QGuiApplication.font())
            font.setBold(True)
            return font
        unit = self._unit_of(node_idx)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{unit.key} requirement {node.key}\n{node.text}\n\nA heading: tick its "
                    f"items ({', '.join(items)}) instead.")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if col == REQUIREMENT_COL:
                return f"Requirement heading {node.key}: {node.text}"
            return f"{ticked} of {total} items ticked"
        if role == FULL_TEXT_ROLE:
            return (f"{unit.key} · requirement {node.key}\n{node.text}\n"
                    f"A heading, not ticked itself: tick its items ({', '.join(items)}).")
        if role == ELSEWHERE_ROLE:
            return ()
        return self._common(node, role)

    @staticmethod
    def _common(node: _Node, role: int):  # noqa: ANN205
        if role == KIND_ROLE:
            return node.kind
        if role == ID_ROLE:
            return node.id
        if role == KEY_ROLE:
            return node.key
        return None

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: ANN001
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() \
                or not self.flags(index) & Qt.ItemFlag.ItemIsUserCheckable:
            return False
        node = self._nodes[index.internalId()]
        ticked = value if isinstance(value, bool) else \
            Qt.CheckState(value) == Qt.CheckState.Checked
        self.toggle_requested.emit(node.id, ticked)
        return True
