"""Mapped criteria shown as removable chips ("K/503/8194 1.2 ×") under the evidence editor.

A QListView in wrapping left-to-right flow over a small list model; a delegate paints each chip.
Click the × (or select a chip and press Delete/Backspace) to ask for its removal: the view only
emits `remove_requested(criterion_id)`; the visit screen does the unmapping through the core.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from assessor_app.gui.support import theme

ID_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex
PAD_X, PAD_Y, CLOSE_W = 8, 3, 16


@dataclass(frozen=True)
class Chip:
    criterion_id: int
    label: str  # short: "K/503/8194 1.2"
    tooltip: str  # the criterion in full
    planned: bool = False


class ChipsModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._chips: list[Chip] = []

    def set_chips(self, chips: list[Chip]) -> None:
        self.beginResetModel()
        self._chips = list(chips)
        self.endResetModel()

    def chips(self) -> list[Chip]:
        return list(self._chips)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._chips)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        chip = self._chips[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return chip.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{chip.tooltip}\n\nClick × or press Delete to unmap."
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Mapped to {chip.label}. Press Delete to remove."
        if role == ID_ROLE:
            return chip.criterion_id
        return None


class ChipDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        fm = option.fontMetrics
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        return QSize(fm.horizontalAdvance(text) + 2 * PAD_X + CLOSE_W, fm.height() + 2 * PAD_Y + 4)

    @staticmethod
    def close_rect(rect: QRect) -> QRect:
        return QRect(rect.right() - CLOSE_W - 4, rect.top(), CLOSE_W, rect.height())

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal: QPalette = option.palette
        rect = option.rect.adjusted(2, 2, -2, -2)
        # A locked record's chips stay plain and readable, with no "×" to suggest removing them.
        enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
        selected = enabled and bool(option.state & QStyle.StateFlag.State_Selected)
        fill = pal.color(QPalette.ColorRole.Highlight) if selected else theme.state_fill(pal, "info")
        painter.setBrush(fill)
        painter.setPen(theme.state_accent(pal, "info"))
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(pal.color(QPalette.ColorGroup.Active,
                                 QPalette.ColorRole.HighlightedText if selected
                                 else QPalette.ColorRole.Text))
        text_rect = rect.adjusted(PAD_X, 0, -CLOSE_W - 2, 0)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         str(index.data(Qt.ItemDataRole.DisplayRole) or ""))
        if enabled:
            painter.drawText(self.close_rect(rect), Qt.AlignmentFlag.AlignCenter, "×")
        painter.restore()


class ChipsView(QListView):
    remove_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("criteriaChips")
        self.chips_model = ChipsModel(self)
        self.setModel(self.chips_model)
        self.setItemDelegate(ChipDelegate(self))
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSpacing(1)
        self.setUniformItemSizes(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.viewport().setAutoFillBackground(False)
        self.setAccessibleName("Mapped criteria")
        self.setToolTip("Criteria this evidence is mapped to. Delete removes the selected one.")
        self.chips_model.modelReset.connect(self._fit_height)

    def set_chips(self, chips: list[Chip]) -> None:
        self.chips_model.set_chips(chips)

    def labels(self) -> list[str]:
        return [c.label for c in self.chips_model.chips()]

    def _fit_height(self) -> None:
        # Enough height for the chips' rows, between one and three rows; scroll beyond that.
        row_h = self.fontMetrics().height() + 2 * PAD_Y + 6
        self.doItemsLayout()
        content = max(self.contentsSize().height(), row_h)
        self.setFixedHeight(min(content, 3 * row_h) + 2 * self.frameWidth() + 2)

    def resizeEvent(self, event) -> None:  # noqa: ANN001
        super().resizeEvent(event)
        self._fit_height()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and event.button() == Qt.MouseButton.LeftButton:
            rect = self.visualRect(index).adjusted(2, 2, -2, -2)
            if ChipDelegate.close_rect(rect).contains(event.position().toPoint()):
                self.remove_requested.emit(int(index.data(ID_ROLE)))
                return
        super().mouseReleaseEvent(event)

    def close_button_pos(self, row: int) -> QPoint:
        """Where the × of chip `row` is, in viewport coordinates (used by tests and a11y tools)."""
        rect = self.visualRect(self.chips_model.index(row)).adjusted(2, 2, -2, -2)
        return ChipDelegate.close_rect(rect).center()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            index = self.currentIndex()
            if index.isValid():
                self.remove_requested.emit(int(index.data(ID_ROLE)))
                return
        super().keyPressEvent(event)

