"""The visit's evidence list (kind icon, time, first line), revealed lazily in pages.

The core returns light summaries (first 300 characters only); the model shows them `PAGE` at a
time through canFetchMore/fetchMore, so a learner with hundreds of items opens instantly.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from assessor_app.evidence.items import EvidenceSummary
from assessor_app.gui.icons import KIND_NAMES, kind_icon

_Index = QModelIndex | QPersistentModelIndex
EVIDENCE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
PAGE = 50


def summary_time(s: EvidenceSummary) -> str:
    start = getattr(s, "start_time", None)  # shown when the core's summary carries it
    return start or s.date.strftime("%d %b")


class EvidenceListModel(QAbstractListModel):
    def __init__(self, parent=None, page: int = PAGE) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.page = page
        self._all: list[EvidenceSummary] = []
        self._shown = 0

    def set_summaries(self, summaries: list[EvidenceSummary]) -> None:
        """Replace the list; keeps at least as many rows revealed as before (no jumpiness)."""
        keep = self._shown
        self.beginResetModel()
        self._all = list(summaries)
        self._shown = min(len(self._all), max(self.page, keep))
        self.endResetModel()

    def summaries(self) -> list[EvidenceSummary]:
        return self._all[: self._shown]

    def last_id(self) -> int:
        """The newest item (the list is oldest first); only call when there are rows."""
        return self._all[-1].id

    def row_of(self, evidence_id: int) -> int:
        for i, s in enumerate(self._all):
            if s.id == evidence_id:
                while i >= self._shown and self.canFetchMore():
                    self.fetchMore()
                return i
        return -1

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._shown < len(self._all)

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        n = min(self.page, len(self._all) - self._shown)
        if n <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + n - 1)
        self._shown += n
        self.endInsertRows()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid() or index.row() >= self._shown:
            return None
        s = self._all[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            head = s.first_line or s.title or "(nothing written yet)"
            n = len(s.criteria)
            crit = f" · {n} criteri{'a' if n != 1 else 'on'}" if n else ""
            clip = (f" · {s.attachments} file{'s' if s.attachments != 1 else ''}"
                    if s.attachments else "")
            return f"{s.ref}  {summary_time(s)}{crit}{clip}\n{head}"
        if role == Qt.ItemDataRole.DecorationRole:
            return kind_icon(s.kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            crit = ", ".join(s.criteria) or "no criteria yet"
            return f"{s.ref} · {KIND_NAMES.get(s.kind, s.kind)}\n{s.first_line}\nMapped: {crit}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{KIND_NAMES.get(s.kind, s.kind)} {s.ref}: {s.first_line}"
        if role == EVIDENCE_ID_ROLE:
            return s.id
        if role == KIND_ROLE:
            return s.kind
        return None
