"""The learner list (name, registration, % met), loaded off the UI thread and revealed lazily.

`set_search(text)` asks the core for matching learners on a pool thread; the newest answer wins
(older ones arriving late are dropped). Rows appear `page` at a time through canFetchMore /
fetchMore as the list scrolls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal

from assessor_app.gui.models.base import LazyListModel
from assessor_app.gui.support.workers import run_in_background

if TYPE_CHECKING:  # the list is built before the database is open (gui.app opens it later)
    from assessor_app.evidence.learner_list import LearnerSummary
    from assessor_app.store import Store

_Index = QModelIndex | QPersistentModelIndex
LEARNER_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class LearnerListModel(LazyListModel):
    loaded = Signal()  # a search result has been applied
    failed = Signal(str)

    def __init__(self, store: Store | None, parent=None,  # noqa: ANN001 - QObject parent
                 page: int = 40) -> None:
        super().__init__(parent, page)
        self.store = store  # None until the window's store is open: nothing to read yet
        self._generation = 0
        self.search = ""
        self.loading = False

    def set_search(self, text: str) -> None:
        self.search = text
        self.refresh()

    def set_store(self, store: Store, rows: list[LearnerSummary] | None = None) -> None:
        """The database is open: show `rows` (all learners, read with it), or read the list
        (none given, or a search was typed meanwhile)."""
        self.store = store
        if rows is None or self.search.strip():
            self.refresh()
            return
        self._generation += 1  # nothing older may land after these
        self.loading = False
        self._apply(rows)

    def refresh(self) -> None:
        if self.store is None:
            return  # read when the store arrives (set_store)
        from assessor_app.evidence.learner_list import list_learners

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
        self._replace(rows)
        self.loaded.emit()

    def total(self) -> int:
        return len(self._all)

    def row_of(self, learner_id: int) -> int:
        return self._reveal_row(lambda s: s.learner.id == learner_id)

    def summary(self, row: int) -> LearnerSummary | None:
        return self._all[row] if 0 <= row < self._shown else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        s: LearnerSummary | None = self._shown_item(index)
        if s is None:
            return None
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
