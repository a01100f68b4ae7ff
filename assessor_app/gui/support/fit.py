"""Windows and dialogs that fit the screen they open on.

Sizes come from the screen's available geometry (what is left after panels and docks), in
logical pixels, so 1920×1080 at 2× scale is a 960×540 screen to us:

    fit_to_screen(dialog, preferred=QSize(900, 700))   # at most ~94% of the screen, centred
    body = scrolling(content_widget)                     # long content scrolls, buttons do not
    restore_geometry(window, "main_window") / save_geometry(window, "main_window")

Saved geometry is kept per screen size and scale factor: a window sized on a 1920×1080 monitor
at 1× is not restored onto a 1366×768 laptop, or at 2×.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QAbstractButton, QFrame, QScrollArea, QWidget

SCREEN_SHARE = 0.94  # leave a little of the screen around a window


def screen_for(widget: QWidget | None) -> QScreen | None:
    """The screen the widget (or its parent window) is on, else the primary screen."""
    w = widget
    while w is not None:
        handle = w.window().windowHandle() if w.window() is not None else None
        if handle is not None and handle.screen() is not None:
            return handle.screen()
        if w.screen() is not None and w.parentWidget() is None:
            return w.screen()
        w = w.parentWidget()
    return QGuiApplication.primaryScreen()


def available_geometry(widget: QWidget | None = None) -> QRect:
    screen = screen_for(widget)
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 768)


def fit_size(preferred: QSize, available: QRect, minimum: QSize | None = None) -> QSize:
    """`preferred`, shrunk to fit `available` (never below `minimum`, itself capped)."""
    cap_w = int(available.width() * SCREEN_SHARE)
    cap_h = int(available.height() * SCREEN_SHARE)
    w = min(preferred.width(), cap_w)
    h = min(preferred.height(), cap_h)
    if minimum is not None:
        w = max(w, min(minimum.width(), cap_w))
        h = max(h, min(minimum.height(), cap_h))
    return QSize(max(w, 1), max(h, 1))


def fit_to_screen(window: QWidget, preferred: QSize | None = None,
                  available: QRect | None = None) -> QRect:
    """Resize `window` to its preferred size (else its size hint) within the available screen
    and centre it there (the user may still make it bigger, e.g. on a larger monitor).
    Returns the geometry it now has."""
    area = available if available is not None else available_geometry(window)
    size = fit_size(preferred or window.sizeHint(), area, window.minimumSizeHint())
    if window.minimumWidth() > area.width() or window.minimumHeight() > area.height():
        window.setMinimumSize(min(window.minimumWidth(), area.width()),
                              min(window.minimumHeight(), area.height()))
    window.resize(size)
    x = area.x() + (area.width() - size.width()) // 2
    y = area.y() + (area.height() - size.height()) // 2
    window.move(x, y)
    return QRect(x, y, size.width(), size.height())


def fits(window: QWidget, available: QRect) -> bool:
    """The window's frame lies inside `available`."""
    return available.contains(window.frameGeometry())


def button_visible(button: QAbstractButton, window: QWidget) -> bool:
    """The button is shown and wholly inside the window's visible area (not scrolled away)."""
    if not button.isVisibleTo(window):
        return False
    top_left = button.mapTo(window, button.rect().topLeft())
    rect = QRect(top_left, button.size())
    return window.rect().contains(rect) and _not_clipped(button, window)


def _not_clipped(widget: QWidget, window: QWidget) -> bool:
    """No scroll area between the widget and the window hides part of it."""
    w = widget.parentWidget()
    while w is not None and w is not window:
        if isinstance(w, QScrollArea):
            viewport = w.viewport()
            top_left = widget.mapTo(viewport, widget.rect().topLeft())
            if not viewport.rect().contains(QRect(top_left, widget.size())):
                return False
        w = w.parentWidget()
    return True


def scrolling(content: QWidget) -> QScrollArea:
    """`content` in a frameless scroll area that only scrolls when the window is too small."""
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


def geometry_key(name: str, widget: QWidget | None = None) -> str:
    """Settings key for `name`'s geometry on this screen size and scale factor."""
    screen = screen_for(widget)
    if screen is None:
        return f"geometry/{name}"
    size = screen.availableGeometry().size()
    scale = screen.devicePixelRatio()
    return f"geometry/{name}/{size.width()}x{size.height()}@{scale:g}x"


def save_geometry(window: QWidget, name: str, settings: QSettings | None = None) -> None:
    (settings or QSettings()).setValue(geometry_key(name, window), window.saveGeometry())


def restore_geometry(window: QWidget, name: str, settings: QSettings | None = None,
                     preferred: QSize | None = None) -> None:
    """Restore the geometry saved for this screen and scale, else fit the preferred size; the
    result is always inside the screen."""
    saved = (settings or QSettings()).value(geometry_key(name, window))
    area = available_geometry(window)
    restored = isinstance(saved, QByteArray | bytes) and window.restoreGeometry(QByteArray(saved))
    if restored and fits(window, area):
        return
    fit_to_screen(window, preferred, area)
