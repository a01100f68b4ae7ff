"""Item views that do not repaint when their window gains or loses focus, when that changes
nothing on screen.

Qt's item views repaint their whole viewport whenever their window is activated or deactivated,
because a style may draw selected rows differently in an inactive window. Opening a dialog over
the visit screen therefore repainted the criteria tree and the evidence list (10–15 ms, every
row asking the Python models for its data) in the same moment the dialog was built and painted.
With the Fusion style the only difference is the palette's Inactive colours; when they equal the
Active ones the repaint draws exactly the same pixels, and this filter drops it. Any other style,
or a palette whose inactive colours differ, keeps Qt's behaviour. The focused view still repaints
its current row on focus out (that is a separate event).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QWidget

#: Styles whose item painting depends on the window being active only through the palette.
_PALETTE_ONLY_STYLES = frozenset({"fusion"})
_ACTIVATION = (QEvent.Type.WindowActivate, QEvent.Type.WindowDeactivate)


def activation_changes_nothing(view: QAbstractItemView) -> bool:
    """True when repainting `view` on (de)activation would draw the same pixels."""
    style = view.style().name().lower()
    palette = view.palette()
    return style in _PALETTE_ONLY_STYLES and palette.isEqual(QPalette.ColorGroup.Active,
                                                             QPalette.ColorGroup.Inactive)


class _SkipActivationRepaint(QObject):
    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        return event.type() in _ACTIVATION and activation_changes_nothing(self._view)


def skip_activation_repaints(*views: QAbstractItemView) -> None:
    """Install the filter on each view's viewport (where the view handles activation)."""
    for view in views:
        view.viewport().installEventFilter(_SkipActivationRepaint(view))


def skip_activation_repaints_in(root: QWidget) -> None:
    """Every item view under `root` (both pages of the main window, say)."""
    skip_activation_repaints(*root.findChildren(QAbstractItemView))
