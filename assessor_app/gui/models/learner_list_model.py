"""The learner list (name, registration, % met), loaded off the UI thread and revealed lazily.

`set_search(text)` asks the core for matching learners on a pool thread; the newest answer wins
(older ones arriving late are dropped). Rows appear `page` at a time through canFetchMore /
fetchMore as the list scrolls.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from assessor_app.evidence.learners import LearnerSummary, list_learners
from assessor_app.gui.workers import run_in_background
from assessor_app.store import Store

_Index = QModelIndex | QPersistentModelIndex
LEARNER_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class LearnerListModel(QAbstractListModel):
    loaded = Signal()  # a search result has been applied
    failed = Signal(str)

    def __init__(self, store: Store, parent=None, page: int = 40) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.store = store
        self.page = page
        self._all: list[LearnerSummary] = []
        self._shown = 0
        self._generation = 0
        self.search = ""
        self.loading = False

    def set_search(self, text: str) -> None:
        self.search = text
        self.refresh()

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        self.loading = True

        def done(rows: list[LearnerSummary]) -> None:
            if generation == self._generation:  # a newer search has started: ignore this one
                self.loading = False
                self._apply(rows)

        def fail(message: str) -> None:
            if generation == self._generation:
                self.loading = False
                self.failed.emit(message)

        run_in_background(list_learners, self.store, search=self.search, on_done=done,
                          on_error=fail)

    def _apply(self, rows: list[LearnerSummary]) -> None:
        self.beginResetModel()
        self._all = rows
        self._shown = min(self.page, len(rows))
        self.endResetModel()
        self.loaded.emit()

    def total(self) -> int:
        return len(self._all)

    def row_of(self, learner_id: int) -> int:
        for i, s in enumerate(self._all):
            if s.learner.id == learner_id:
                while i >= self._shown and self.canFetchMore():
                    self.fetchMore()
                return i
        return -1

    def summary(self, row: int) -> LearnerSummary | None:
        return self._all[row] if 0 <= row < self._shown else None

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._shown < len(self._all)

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        n = min(self.page, len(self._all) - self._shown)
        if parent.isValid() or n <= 0:
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
        lr = s.learner
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{lr.name}\n{lr.registration} · {s.percent_met}% met"
        if role == Qt.ItemDataRole.ToolTipRole:
            c = s.counts
            return (f"{lr.name} ({lr.registration})\n{lr.employer}\n"
                    f"{c.met} of {c.total} criteria met, {c.evidenced} more evidenced")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{lr.name}, {s.percent_met} percent met"
        if role == LEARNER_ID_ROLE:
            return lr.id
        return None
