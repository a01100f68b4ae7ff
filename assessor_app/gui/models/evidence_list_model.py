"""The visit's evidence list (kind icon, time, first line), newest first, revealed lazily in
pages.

The core returns light summaries (first 300 characters only); the model shows them `PAGE` at a
time through canFetchMore/fetchMore, so a visit with thousands of items opens instantly. Newest
first because the newest item is the one a visit opens on and works with: it is always in the
first page, so opening a visit never makes the view lay out every row to reach the last one.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QIcon

from assessor_app.evidence.items import EvidenceSummary
from assessor_app.gui.models.base import LazyListModel
from assessor_app.gui.support.icons import KIND_NAMES, kind_icon

_Index = QModelIndex | QPersistentModelIndex
EVIDENCE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
PAGE = 50


def summary_time(s: EvidenceSummary) -> str:
    start = getattr(s, "start_time", None)  # shown when the core's summary carries it
    return start or s.date.strftime("%d %b")


class EvidenceListModel(LazyListModel):
    def __init__(self, parent=None, page: int = PAGE) -> None:  # noqa: ANN001
        super().__init__(parent, page)

    def set_summaries(self, summaries: list[EvidenceSummary]) -> None:
        """Replace the list (the core's, oldest first; shown newest first); keeps at least as
        many rows revealed as before (no jumpiness)."""
        self._replace(reversed(summaries), keep=self._shown)

    def summaries(self) -> list[EvidenceSummary]:
        return self._all[: self._shown]

    def last_id(self) -> int:
        """The newest item (the first row); only call when there are rows."""
        return self._all[0].id

    def row_of(self, evidence_id: int) -> int:
        return self._reveal_row(lambda s: s.id == evidence_id)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        s: EvidenceSummary | None = self._shown_item(index)
        return None if s is None else summary_data(s, role)


_icons: dict[tuple[str, int], QIcon] = {}  # (kind, palette) -> icon


def _kind_icon(kind: str) -> QIcon:
    """The kind's icon, drawn once per palette (a list paints it for every row it shows)."""
    key = (kind, QGuiApplication.palette().cacheKey())
    icon = _icons.get(key)
    if icon is None:
        if len(_icons) > 64:
            _icons.clear()
        icon = _icons[key] = kind_icon(kind)
    return icon


def summary_data(s: EvidenceSummary, role: int):  # noqa: ANN201 - what Qt's data() returns
    """One evidence row as the lists show it (shared by the visit screen's paged list)."""
    if role == Qt.ItemDataRole.DisplayRole:
        head = s.first_line or s.title or "(nothing written yet)"
        n = len(s.criteria)
        crit = f" · {n} criteri{'a' if n != 1 else 'on'}" if n else ""
        clip = (f" · {s.attachments} file{'s' if s.attachments != 1 else ''}"
                if s.attachments else "")
        return f"{s.ref}  {summary_time(s)}{crit}{clip}\n{head}"
    if role == Qt.ItemDataRole.DecorationRole:
        return _kind_icon(s.kind)
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
