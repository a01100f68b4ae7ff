"""Models for the learner overview: units with progress bars, and the visits list."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from assessor_app.evidence.coverage import UnitCoverage
from assessor_app.evidence.visits import VisitSummary
from assessor_app.gui.widgets.progress_delegate import PROGRESS_ROLE, progress_text

_Index = QModelIndex | QPersistentModelIndex
UNIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
VISIT_ID_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3


class UnitProgressModel(QAbstractTableModel):
    HEADERS = ("Unit", "Progress")

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._units: list[UnitCoverage] = []

    def set_units(self, units: list[UnitCoverage]) -> None:
        self.beginResetModel()
        self._units = list(units)
        self.endResetModel()

    def units(self) -> list[UnitCoverage]:
        return list(self._units)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._units)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        u = self._units[index.row()]
        c = u.counts
        if role == PROGRESS_ROLE:
            return (c.met, c.met + c.evidenced, c.total)
        if role == UNIT_ID_ROLE:
            return u.unit_id
        if index.column() == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{u.reference}  {u.title}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{u.reference} {u.title}"
        if index.column() == 1 and role in (Qt.ItemDataRole.ToolTipRole,
                                            Qt.ItemDataRole.AccessibleTextRole,
                                            Qt.ItemDataRole.DisplayRole):
            text = progress_text(c.met, c.met + c.evidenced, c.total)
            return None if role == Qt.ItemDataRole.DisplayRole else text
        return None


def _labels(labels: list[str]) -> str:
    return " ".join(label.split(":", 1)[-1] for label in labels)


class VisitsModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._visits: list[VisitSummary] = []

    def set_visits(self, visits: list[VisitSummary]) -> None:
        self.beginResetModel()
        self._visits = list(reversed(visits))  # newest first
        self.endResetModel()

    def visits(self) -> list[VisitSummary]:
        return list(self._visits)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visits)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        s = self._visits[index.row()]
        v = s.visit
        if role == Qt.ItemDataRole.DisplayRole:
            status = v.status.replace("_", " ")
            text = f"{v.date:%a %d %b %Y} · {status}"
            if v.place:
                text += f" · {v.place}"
            if s.planned:
                text += f"\n   planned: {_labels(s.planned)}"
            if s.targets:
                text += f"\n   next time: {_labels(s.targets)}"
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [f"{v.date:%d %b %Y} — {v.status.replace('_', ' ')}"]
            if s.planned:
                parts.append("Planned: " + ", ".join(s.planned))
            if v.action_plan:
                parts.append("Action plan: " + v.action_plan[:400])
            if s.targets:
                parts.append("Criteria for next time: " + ", ".join(s.targets))
            return "\n".join(parts)
        if role == VISIT_ID_ROLE:
            return v.id
        if role == STATUS_ROLE:
            return v.status
        return None
