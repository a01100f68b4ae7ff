"""Work the UI thread is spared: item views do not repaint on window (de)activation when that
would draw the same pixels, and a screen's modules are imported in idle turns before it opens."""

from __future__ import annotations

import gc
import sys
import weakref

import pytest
from PySide6.QtCore import QEvent, QObject, QStringListModel
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListView,
    QStyleFactory,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assessor_app.gui.support.activation import (
    activation_changes_nothing,
    skip_activation_repaints,
)
from assessor_app.gui.support.warm_up import warm_up
from tests.gui.conftest import WAIT_MS


class _PaintCounter(QObject):
    def __init__(self, watched: QWidget) -> None:
        super().__init__(watched)
        self.paints = 0
        watched.installEventFilter(self)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


class _Window(QWidget):
    """A list of rows and a label in one window: the label's repaint is the moment every
    pending repaint of the window has been done (one window paints its dirty parts together)."""

    def __init__(self, palette: QPalette) -> None:
        super().__init__()
        self.view = QListView()
        self.view.setStyle(QStyleFactory.create("Fusion"))
        self.view.setPalette(palette)
        self.view.setModel(QStringListModel([f"Item {n}" for n in range(30)], self.view))
        self.view.setCurrentIndex(self.view.model().index(2, 0))
        self.label = QLabel("marker")
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(self.label)
        self.view_paints = _PaintCounter(self.view.viewport())
        self.label_paints = _PaintCounter(self.label)

    def deactivate_and_repaint(self, qtbot: QtBot) -> int:
        """Send the view's viewport a WindowDeactivate; how many times did it repaint?"""
        before, marker = self.view_paints.paints, self.label_paints.paints
        QApplication.sendEvent(self.view.viewport(), QEvent(QEvent.Type.WindowDeactivate))
        self.label.update()
        qtbot.waitUntil(lambda: self.label_paints.paints > marker, timeout=WAIT_MS)
        return self.view_paints.paints - before


def _palette(inactive_highlight: QColor | None = None) -> QPalette:
    palette = QPalette(QApplication.palette())
    for role in (QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText):
        palette.setColor(QPalette.ColorGroup.Inactive, role,
                         palette.color(QPalette.ColorGroup.Active, role))
    if inactive_highlight is not None:
        palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight,
                         inactive_highlight)
    return palette


def _shown(qtbot: QtBot, palette: QPalette, *, skip: bool) -> _Window:
    window = _Window(palette)
    qtbot.addWidget(window)
    if skip:
        skip_activation_repaints(window.view)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.view_paints.paints > 0, timeout=WAIT_MS)
    return window


def test_views_skip_the_activation_repaint_only_when_it_draws_the_same(qtbot: QtBot) -> None:
    same = _palette()
    plain = _shown(qtbot, same, skip=False)
    assert plain.deactivate_and_repaint(qtbot) >= 1  # Qt's own behaviour: a full repaint

    skipping = _shown(qtbot, same, skip=True)
    assert activation_changes_nothing(skipping.view)
    assert skipping.deactivate_and_repaint(qtbot) == 0

    # Selected rows look different in an inactive window: that repaint is kept.
    differs = _shown(qtbot, _palette(QColor("#808080")), skip=True)
    assert not activation_changes_nothing(differs.view)
    assert differs.deactivate_and_repaint(qtbot) >= 1


def test_a_native_style_keeps_the_activation_repaint(qtbot: QtBot) -> None:
    view = QListView()
    qtbot.addWidget(view)
    view.setPalette(_palette())
    windows = QStyleFactory.create("Windows")  # built into Qt on every platform
    assert windows is not None
    view.setStyle(windows)
    assert not activation_changes_nothing(view)


def test_warm_up_imports_each_module_in_a_later_turn(qtbot: QtBot) -> None:
    names = ["wave", "colorsys"]  # small standard modules the app never imports
    for name in names:
        sys.modules.pop(name, None)
    owner = QObject()
    warm_up(owner, names, delay_ms=0)
    assert not any(name in sys.modules for name in names)  # nothing at the call itself
    qtbot.waitUntil(lambda: all(name in sys.modules for name in names), timeout=WAIT_MS)


def test_warm_up_stops_at_a_module_that_fails(qtbot: QtBot,
                                              caplog: pytest.LogCaptureFixture) -> None:
    sys.modules.pop("colorsys", None)
    owner = QObject()
    warm_up(owner, ["assessor_app.no_such_module", "colorsys"], delay_ms=0)
    qtbot.waitUntil(lambda: "Could not import" in caplog.text, timeout=WAIT_MS)
    QApplication.processEvents()
    assert "colorsys" not in sys.modules  # what came after it is left for the real open


def test_what_start_up_built_is_kept_out_of_full_collections(
        qtbot: QtBot, spec_store, make_window) -> None:  # noqa: ANN001
    """A full collection triggered by a worker holds the interpreter lock while it walks every
    object; start-up's long-lived objects are frozen out of it once the window is built, and
    again after the warm-up imports. What is garbage by then is collected, not frozen."""

    class Node:
        def __init__(self) -> None:
            self.me = self  # a cycle: only a collection frees it

    gc.unfreeze()
    gone = [weakref.ref(Node()) for _ in range(100)]
    make_window(spec_store)
    frozen = gc.get_freeze_count()
    assert frozen > 10_000
    assert all(ref() is None for ref in gone)
    sys.modules.pop("colorsys", None)
    owner = QObject()
    warm_up(owner, ["colorsys"], delay_ms=0)
    qtbot.waitUntil(lambda: "colorsys" in sys.modules, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: gc.get_freeze_count() > frozen, timeout=WAIT_MS)
    gc.unfreeze()
