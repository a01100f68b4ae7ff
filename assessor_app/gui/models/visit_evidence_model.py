"""The visit screen's evidence list, newest first, read from the database a page at a time.

A visit can hold tens of thousands of items. The model holds only the pages the view has asked
for: when the view scrolls near the end it calls `fetchMore`, which reads the next page on a
worker thread (keyset paging from the last row shown, `evidence.queries.visit_evidence_page`) and
appends it when it arrives. After an edit the screen re-reads just the items it touched and hands
them to `update_items`, which changes, moves, inserts or removes those rows only: the view keeps
its scroll position and never lays out the whole list again.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from assessor_app.evidence.items import EvidenceSummary
from assessor_app.evidence.queries import FIRST_KEY, summary_key, visit_evidence_page
from assessor_app.gui.models.evidence_list_model import PAGE, summary_data
from assessor_app.gui.support.workers import Loader
from assessor_app.store import Store

_Index = QModelIndex | QPersistentModelIndex


class VisitEvidenceModel(QAbstractListModel):
    page_loaded = Signal()
    failed = Signal(str)

    def __init__(self, store: Store, parent=None, page: int = PAGE) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.store = store
        self.page = page
        self._rows: list[EvidenceSummary] = []
        self._done = True
        self._source: tuple[int, int] | None = None  # (learner id, visit id)
        self._loader = Loader(self)

    # -- what is shown -----------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """A page is being read."""
        return self._loader.busy

    @property
    def complete(self) -> bool:
        """Every item of the visit has been read (no more pages)."""
        return self._done

    def show_first_page(self, learner_id: int, visit_id: int,
                        rows: list[EvidenceSummary]) -> None:
        """Start over with this visit's newest items (read with the visit, off the UI thread)."""
        self._loader.cancel()
        self.beginResetModel()
        self._source = (learner_id, visit_id)
        self._rows = list(rows)
        self._done = len(rows) < self.page
        self.endResetModel()

    def clear(self) -> None:
        self._loader.cancel()
        self.beginResetModel()
        self._source, self._rows, self._done = None, [], True
        self.endResetModel()

    def summaries(self) -> list[EvidenceSummary]:
        return list(self._rows)

    def last_id(self) -> int:
        """The newest item (the first row); only call when there are rows."""
        return self._rows[0].id

    def row_of(self, evidence_id: int) -> int:
        """The row of a loaded item, or -1 (not in this visit, or not read yet)."""
        for i, s in enumerate(self._rows):
            if s.id == evidence_id:
                return i
        return -1

    # -- paging ------------------------------------------------------------------------------
    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._done

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._done or self._loader.busy or self._source is None:
            return
        source = self._source
        after = summary_key(self._rows[-1]) if self._rows else FIRST_KEY
        self._loader.run(visit_evidence_page, self.store, *source, after=after, limit=self.page,
                         on_done=lambda rows: self._append(source, rows),
                         on_error=self.failed.emit)

    def _append(self, source: tuple[int, int], rows: list[EvidenceSummary]) -> None:
        if source != self._source:
            return
        self._done = len(rows) < self.page
        shown = {s.id for s in self._rows}  # an edit may already have put one of them in
        new = [s for s in rows if s.id not in shown]
        if new:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(new) - 1)
            self._rows.extend(new)
            self.endInsertRows()
        self.page_loaded.emit()

    # -- edits -------------------------------------------------------------------------------
    def update_items(self, evidence_ids: set[int], stored: list[EvidenceSummary]) -> None:
        """`evidence_ids` were re-read after an edit and `stored` is what the database holds of
        them now: change those rows in place, move them (a new date), put new ones in and take
        deleted ones (or ones moved to another visit) out. An item that sorts after the last
        page read is left for the page that will bring it."""
        by_id = {s.id: s for s in stored}
        for evidence_id in evidence_ids:
            s = by_id.get(evidence_id)
            belongs = (s is not None and not s.deleted and self._source is not None
                       and s.visit_id == self._source[1])
            row = self.row_of(evidence_id)
            if row >= 0 and belongs and self._fits_at(row, s):
                self._rows[row] = s
                idx = self.index(row)
                self.dataChanged.emit(idx, idx)
                continue
            if row >= 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
            if belongs:
                self._insert(s)

    def _fits_at(self, row: int, s: EvidenceSummary) -> bool:
        key = summary_key(s)
        return ((row == 0 or summary_key(self._rows[row - 1]) > key)
                and (row == len(self._rows) - 1 or summary_key(self._rows[row + 1]) < key))

    def _insert(self, s: EvidenceSummary) -> None:
        key = summary_key(s)
        row = next((i for i, r in enumerate(self._rows) if summary_key(r) < key), None)
        if row is None:
            if not self._done:
                return  # beyond the pages read so far: a later page brings it
            row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, s)
        self.endInsertRows()

    # -- QAbstractItemModel --------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return summary_data(self._rows[index.row()], role)
