"""Paints a unit's progress in a table cell: a bar with a solid "met" part and a lighter
"evidenced" part, and the numbers as text beside it ("12/17 met · 3 more evidenced").

The model supplies `PROGRESS_ROLE` = (met, evidenced, total); evidenced includes met.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from assessor_app.gui.models.progress import PROGRESS_ROLE, progress_text
from assessor_app.gui.support import theme

_Index = QModelIndex | QPersistentModelIndex


class ProgressDelegate(QStyledItemDelegate):
    BAR_MIN = 120

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        fm = option.fontMetrics
        text = progress_text(*(index.data(PROGRESS_ROLE) or (0, 0, 0)))
        return QSize(self.BAR_MIN + 12 + fm.horizontalAdvance(text) + 8, fm.height() + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        met, evidenced, total = index.data(PROGRESS_ROLE) or (0, 0, 0)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style:  # selection/hover background as the style draws it
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        pal: QPalette = option.palette
        fm = option.fontMetrics
        text = progress_text(met, evidenced, total)
        r = option.rect.adjusted(4, 4, -4, -4)
        text_w = fm.horizontalAdvance(text) + 4
        bar_w = max(self.BAR_MIN, r.width() - text_w - 10)
        bar = QRect(r.left(), r.center().y() - 6, bar_w, 12)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Outline from the text colour, so the empty bar is visible on light and dark bases.
        painter.setPen(theme.mix(pal.color(QPalette.ColorRole.Base),
                                 pal.color(QPalette.ColorRole.Text), 0.45))
        painter.setBrush(pal.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(bar, 3, 3)
        if total:
            inner = bar.adjusted(1, 1, -1, -1)
            ev_w = round(inner.width() * evidenced / total)
            met_w = round(inner.width() * met / total)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.state_fill(pal, "evidenced"))
            painter.drawRect(QRect(inner.left(), inner.top(), ev_w, inner.height()))
            painter.setBrush(theme.state_accent(pal, "met"))
            painter.drawRect(QRect(inner.left(), inner.top(), met_w, inner.height()))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(pal.color(QPalette.ColorRole.HighlightedText if selected
                                 else QPalette.ColorRole.Text))
        text_rect = QRect(bar.right() + 8, r.top(), r.right() - bar.right() - 8, r.height())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         fm.elidedText(text, Qt.TextElideMode.ElideRight, text_rect.width()))
        painter.restore()
