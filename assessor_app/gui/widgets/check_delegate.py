"""Item checkboxes that stay visible in a dark palette.

Fusion outlines an item's check box with a shade of the palette's Window colour
(`Window.darker(140)`). With a dark theme that shade is almost the Base colour the box sits on,
so an unticked criterion looks like it has no box at all. This delegate gives the indicator a
Window colour derived from the view's own Base and Text roles, so the outline lands halfway
between them in any dark palette (nothing is hard-coded, and light palettes are left alone).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from assessor_app.gui.support import theme


def indicator_palette(palette: QPalette) -> QPalette:
    """`palette` with Window set so that Fusion's box outline contrasts with Base."""
    if not theme.is_dark(palette):
        return palette
    p = QPalette(palette)
    outline = theme.mix(palette.color(QPalette.ColorRole.Base),
                        palette.color(QPalette.ColorRole.Text), 0.5)
    p.setColor(QPalette.ColorRole.Window, outline.lighter(140))  # Fusion darkens it by 140
    return p


class VisibleCheckDelegate(QStyledItemDelegate):
    """Runs for every row painted or measured, so the adjusted palette is worked out once per
    palette (and not at all for a light one), not once per row."""

    _source_key: int | None = None
    _adjusted: QPalette | None = None

    def initStyleOption(self, option: QStyleOptionViewItem,
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        palette = option.palette
        key = palette.cacheKey()
        if key != self._source_key:
            self._source_key = key
            self._adjusted = indicator_palette(palette) if theme.is_dark(palette) else None
        if self._adjusted is not None:
            option.palette = self._adjusted
