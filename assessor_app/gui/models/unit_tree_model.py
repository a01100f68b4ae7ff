"""Models for the unit library: the table of units, and one unit's specification as a tree.

The tree is built from `specs.queries.version_tree` data (plain dicts read on a pool thread):

    unit → learning outcomes → criteria → notes for that criterion → their items
                             → notes for the whole outcome → their items
         → evidence requirements → each requirement

`SpecFilterProxy` keeps a row when its own text matches, when a descendant matches (so the path
to a match stays visible) or when an ancestor matches (so matching an outcome shows its criteria).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QGuiApplication

from assessor_app.gui.models.base import RowTableModel
from assessor_app.specs.requirements import group_keys

_Index = QModelIndex | QPersistentModelIndex
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2  # lower-cased text the filter looks in
REFERENCE_ROLE = Qt.ItemDataRole.UserRole + 3
SORT_ROLE = Qt.ItemDataRole.UserRole + 4

NOTE_LABELS = {"range": "Range", "teaching_content": "Teaching content",
               "additional_guidance": "Additional guidance"}


@dataclass(frozen=True)
class LibraryUnit:
    """One unit's row in the library, with its latest version's tree."""

    reference: str
    title: str
    level: int | None
    credit_value: int | None
    glh: int | None
    version: int | None
    publications: str  # "OCR unit 52 · City & Guilds unit 238"
    tree: dict[str, Any]
    search: str  # every text in the unit, lower-cased, for the filter


def publications_text(pubs: list[dict[str, Any]]) -> str:
    return " · ".join(f"{p['awarding_body']} unit {p['unit_number']}" if p.get("unit_number")
                      else str(p["awarding_body"]) for p in pubs)


def library_unit(tree: dict[str, Any]) -> LibraryUnit:
    texts = [tree["reference"], tree["title"] or "", publications_text(tree["publications"])]
    for o in tree["learning_outcomes"]:
        texts += [o["number"], o["text"]]
        texts += [f"{c['number']} {c['text']}" for c in o["criteria"]]
        for n in o["guidance"]:
            texts += [n["heading"], n["body"], *n["items"]]
    texts += [r["text"] for r in tree["evidence_requirements"]]
    return LibraryUnit(tree["reference"], tree["title"] or "", tree["level"],
                       tree["credit_value"], tree["glh"], tree.get("version"),
                       publications_text(tree["publications"]), tree,
                       "\n".join(t for t in texts if t).lower())


def _show(value: object) -> str:
    return "—" if value is None else str(value)


class UnitListModel(RowTableModel):
    """The library's units (`LibraryUnit` rows)."""

    HEADERS = ("Reference", "Title", "Level", "Credit", "GLH", "Published as", "Version")
    set_units = RowTableModel.set_rows
    units = RowTableModel.rows

    def unit(self, row: int) -> LibraryUnit:
        return self._rows[row]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        u: LibraryUnit = self._rows[index.row()]
        values = (u.reference, u.title, u.level, u.credit_value, u.glh, u.publications,
                  u.version)
        if role == Qt.ItemDataRole.DisplayRole:
            return _show(values[index.column()])
        if role == SORT_ROLE:  # numbers sort as numbers, missing ones first
            value = values[index.column()]
            return -1 if value is None else value
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{u.reference} {u.title}\nLevel {_show(u.level)} · credit value "
                    f"{_show(u.credit_value)} · {_show(u.glh)} guided learning hours\n"
                    f"Published as {u.publications or '—'} · version {_show(u.version)}")
        if role == Qt.ItemDataRole.TextAlignmentRole and 2 <= index.column() <= 4 \
                or role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 6:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == SEARCH_ROLE:
            return u.search
        if role == REFERENCE_ROLE:
            return u.reference
        return None


@dataclass
class _Node:
    kind: str  # unit | outcome | criterion | note | item | requirements | requirement
    text: str
    tooltip: str
    parent: _Node | None
    row: int = 0
    children: list[_Node] = field(default_factory=list)

    def add(self, kind: str, text: str, tooltip: str = "") -> _Node:
        node = _Node(kind, text, tooltip or text, self, len(self.children))
        self.children.append(node)
        return node


def _note_text(note: dict[str, Any]) -> str:
    label = NOTE_LABELS.get(note["kind"], note["kind"].replace("_", " ").capitalize())
    body = note["heading"].rstrip(":") if note["heading"] else ""
    if note["body"]:
        body = f"{body}: {note['body']}" if body else note["body"]
    by = f" · {note['awarding_body']}" if note.get("awarding_body") else ""
    return f"{label}{by} — {body}" if body else f"{label}{by}"


def _add_note(parent: _Node, note: dict[str, Any]) -> None:
    text = _note_text(note)
    where = f"\n(for criterion {note['criterion']})" if note.get("criterion") else ""
    node = parent.add("note", text, text + where)
    for item in note["items"]:
        node.add("item", item)


class UnitTreeModel(QAbstractItemModel):
    """One unit's specification, read-only."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._root = _Node("root", "", "", None)

    def set_tree(self, tree: dict[str, Any] | None) -> None:
        self.beginResetModel()
        self._root = _Node("root", "", "", None)
        if tree is not None:
            self._build(tree)
        self.endResetModel()

    def _build(self, tree: dict[str, Any]) -> None:
        unit = self._root.add("unit", f"{tree['reference']}  {tree['title']}",
                              f"{tree['reference']} {tree['title']}\nPublished as "
                              f"{publications_text(tree['publications'])}")
        for o in tree["learning_outcomes"]:
            outcome = unit.add("outcome", f"{o['number']}  {o['text']}",
                               f"Learning outcome {o['number']}: {o['text']}")
            by_criterion: dict[str, list[dict[str, Any]]] = {}
            general = []
            for note in o["guidance"]:
                if note.get("criterion"):
                    by_criterion.setdefault(note["criterion"], []).append(note)
                else:
                    general.append(note)
            numbers = {c["number"] for c in o["criteria"]}
            for c in o["criteria"]:
                crit = outcome.add("criterion", f"{c['number']}  {c['text']}",
                                   f"Assessment criterion {c['number']}: {c['text']}")
                for note in by_criterion.get(c["number"], []):
                    _add_note(crit, note)
            # Notes naming a criterion the outcome does not have stay visible at outcome level.
            general += [n for k, ns in by_criterion.items() if k not in numbers for n in ns]
            for note in general:
                _add_note(outcome, note)
        if tree["evidence_requirements"]:
            reqs = unit.add("requirements", "Evidence requirements",
                            "What the unit asks for beyond its criteria (ticked at sign-off)")
            rows = tree["evidence_requirements"]
            parents = group_keys((r["key"], bool(r.get("group"))) for r in rows)
            heading = reqs
            for r, parent in zip(rows, parents, strict=True):
                # a group heading ("4 … with:") holds its lettered items as children
                node = (heading if parent else reqs).add("requirement", f"{r['key']}  {r['text']}")
                if r.get("group"):
                    heading = node

    # -- QAbstractItemModel --------------------------------------------------------------------
    def _node(self, index: _Index) -> _Node:
        return index.internalPointer() if index.isValid() else self._root  # type: ignore[return-value]

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(parent)
        if column != 0 or not 0 <= row < len(node.children):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        up = self._node(index).parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return "Specification"
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        node = self._node(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return node.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.tooltip
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return node.tooltip.replace("\n", " ")
        if role == KIND_ROLE:
            return node.kind
        if role == SEARCH_ROLE:
            return node.text.lower()
        if role == Qt.ItemDataRole.FontRole and node.kind in ("unit", "outcome", "note",
                                                              "requirements"):
            font = QFont(QGuiApplication.font())
            if node.kind == "note":
                font.setItalic(True)
            else:
                font.setBold(True)
            return font
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class SpecFilterProxy(QSortFilterProxyModel):
    """Filters the spec tree on `SEARCH_ROLE`; see the module docstring for what stays."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)  # a match keeps its ancestors
        self._needle = ""

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = text.strip().lower()
        self.endFilterChange()

    def text(self) -> str:
        return self._needle

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        if not self._needle:
            return True
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        if self._needle in str(model.data(index, SEARCH_ROLE) or ""):
            return True
        up = source_parent
        while up.isValid():  # a matching outcome or note shows everything under it
            if self._needle in str(model.data(up, SEARCH_ROLE) or ""):
                return True
            up = up.parent()
        return False
