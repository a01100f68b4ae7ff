"""Model plumbing several models share, so each model file holds only what its rows mean.

* `RowTableModel`: a flat, read-only table over a list of rows with fixed column headers.
* `LazyListModel`: a flat list that reveals its rows `page` at a time (canFetchMore/fetchMore).
* `NodeTreeModel`: a tree kept as a flat node list whose nodes name their parent by position;
  the node's position is the QModelIndex's internal id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

_Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel):
    """One row per item of `set_rows`, one column per entry of `HEADERS`."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None) -> None:  # noqa: ANN001 - QObject parent
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class LazyListModel(QAbstractListModel):
    """Holds every item but shows only the first `_shown`; views ask for more as they scroll."""

    def __init__(self, parent=None, page: int = 50) -> None:  # noqa: ANN001 - QObject parent
        super().__init__(parent)
        self.page = page
        self._all: list[Any] = []
        self._shown = 0

    def _replace(self, items: Iterable[Any], keep: int = 0) -> None:
        """New items; at least a page, or `keep` rows if more, stay revealed (all if fewer)."""
        self.beginResetModel()
        self._all = list(items)
        self._shown = min(len(self._all), max(self.page, keep))
        self.endResetModel()

    def _reveal_row(self, match: Callable[[Any], bool]) -> int:
        """Row of the first item `match` accepts, revealing rows up to it; -1 if none."""
        for i, item in enumerate(self._all):
            if match(item):
                if i >= self._shown:
                    # One insertion up to the page holding the row: page by page would make the
                    # view lay itself out again for every page (hundreds of times for a row far
                    # down a long visit).
                    self._reveal_to(min(len(self._all), (i // self.page + 1) * self.page))
                return i
        return -1

    def _reveal_to(self, n: int) -> None:
        if n <= self._shown:
            return
        self.beginInsertRows(QModelIndex(), self._shown, n - 1)
        self._shown = n
        self.endInsertRows()

    def _shown_item(self, index: _Index) -> Any:  # noqa: ANN401 - the subclass's item type
        """The item at a revealed row, or None for an invalid or not yet revealed index."""
        if not index.isValid() or index.row() >= self._shown:
            return None
        return self._all[index.row()]

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._shown < len(self._all)

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self._reveal_to(min(len(self._all), self._shown + self.page))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown


_SELECTABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_CHECKABLE = _SELECTABLE | Qt.ItemFlag.ItemIsUserCheckable


class _TreeNode(Protocol):
    parent: int  # position in the node list; -1 for a top-level node
    row: int
    children: list[int]


class NodeTreeModel(QAbstractItemModel):
    """Tree structure over `_nodes` (all nodes) and `_top` (positions of the top-level ones).

    Subclasses say how many columns there are (`columnCount`), which cells have a box
    (`_checkable`) and what the nodes show.
    """

    def __init__(self, parent=None) -> None:  # noqa: ANN001 - QObject parent
        super().__init__(parent)
        self._nodes: list[Any] = []
        self._top: list[int] = []

    def _index_of(self, node_idx: int, column: int = 0) -> QModelIndex:
        return self.createIndex(self._nodes[node_idx].row, column, node_idx)

    def _children(self, parent: _Index) -> list[int]:
        return self._nodes[parent.internalId()].children if parent.isValid() else self._top

    # index(), parent() and flags() run hundreds of times for each paint of a tree (more behind
    # a proxy), each a call from Qt into Python: they do as little as possible.
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        siblings = self._nodes[parent.internalId()].children if parent.isValid() else self._top
        if row < 0 or row >= len(siblings) or not 0 <= column < self.columnCount():
            return QModelIndex()
        return self.createIndex(row, column, siblings[row])

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node: _TreeNode = self._nodes[index.internalId()]
        up = node.parent
        return QModelIndex() if up < 0 else self.createIndex(self._nodes[up].row, 0, up)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.column() > 0 else len(self._children(parent))

    def _checkable(self, index: _Index) -> bool:  # noqa: ARG002 - subclasses look at it
        return False

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _CHECKABLE if self._checkable(index) else _SELECTABLE
