"""Fixtures for the GUI tests: a store with the bundled units, a per-test QSettings profile, and
the main window built on them.

Deterministic under load (CI runs on a busy 2-core machine):
* all waiting uses `qtbot.waitUntil` with the one generous `WAIT_MS`; nothing sleeps;
* a shortcut is pressed with `press`: a real key event to the focused widget of the window
  (activated first: the offscreen platform does so at once), checked to be bound to exactly one
  enabled action and to have fired it; buttons and cells are clicked with the mouse (`click`,
  `click_index`), never by emitting `clicked`;
* `settle` waits until the window (or dialog) has shown everything it was loading.
"""

from __future__ import annotations

import gc
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import event
from sqlalchemy.engine import Engine

from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.gui.support import workers
from assessor_app.gui.support.settings import APPLICATION, ORGANISATION, AppSettings
from assessor_app.specs.bootstrap import ensure_bundled_specs
from assessor_app.store import Store, raw
from assessor_app.store.engine import BEGIN_OPTION

WAIT_MS = 10_000  # the one timeout for everything asynchronous


@pytest.fixture(autouse=True)
def _drain_background_jobs() -> Iterator[None]:
    """No background job may outlive its test (it would touch a closed store)."""
    yield
    workers.cancel_all()
    assert workers.wait_for_all(WAIT_MS)
    QApplication.processEvents()
    # A window freezes what is alive once it is built (gui.support.heap); in a test run that
    # is the earlier tests' windows and stores too, which must stay collectable.
    gc.unfreeze()


@pytest.fixture
def app_settings(tmp_path: Path) -> AppSettings:
    """QSettings in this test's temp dir, so window state never leaks between tests."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION,
                   APPLICATION)
    settings = AppSettings(qs)
    settings.assessor_name = "Test Assessor"
    settings.autosave_delay_ms = 400
    return settings


@pytest.fixture
def spec_store(store: Store) -> Store:
    """The real store with the bundled unit specifications imported (as on first start)."""
    assert ensure_bundled_specs(store) >= 2
    return store


@pytest.fixture
def make_window(qtbot: QtBot, app_settings: AppSettings) -> Callable[[Store], MainWindow]:
    def make(store: Store) -> MainWindow:
        window = MainWindow(store, app_settings)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        settle(qtbot, window)
        return window

    return make


def settle(qtbot: QtBot, *views: QWidget) -> None:
    """Wait until none of `views` (windows, screens, dialogs with a `busy` property) is still
    loading something in the background."""
    qtbot.waitUntil(lambda: not any(getattr(v, "busy", False) for v in views), timeout=WAIT_MS)


def wait_pdf_painted(qtbot: QtBot, preview: QWidget) -> None:
    """QPdfView renders pages in the background: wait until the page text shows on screen
    (many distinct colours where the page is), rather than for a fixed time."""

    def painted() -> bool:
        image = preview.view.viewport().grab().toImage()
        colours = {image.pixel(x, y) for x in range(0, image.width(), 5)
                   for y in range(0, image.height(), 5)}
        return len(colours) > 8

    qtbot.waitUntil(painted, timeout=WAIT_MS)


def focused(window: QWidget) -> QWidget | None:
    """The widget with keyboard focus inside `window`, whether or not the window is active
    (`hasFocus()` and `QApplication.focusWidget()` are only true in the active window)."""
    return window.window().focusWidget()


def has_focus(widget: QWidget) -> bool:
    return focused(widget) is widget


def shortcut_actions(window: QWidget, keys: str) -> list[QAction]:
    """The enabled actions of `window` that `keys` would trigger."""
    wanted = QKeySequence(keys)
    found = {id(a): a for a in window.findChildren(QAction)
             if a.isEnabled() and any(k.matches(wanted) == QKeySequence.SequenceMatch.ExactMatch
                                      for k in a.shortcuts())}
    return list(found.values())


def press(window: QWidget, keys: str) -> None:
    """Press a shortcut as the user does: a real key event sent to the widget that has focus in
    `window` (made the active window first, as shortcuts only reach the active window), so Qt's
    shortcut routing picks the action. Exactly one enabled action must carry `keys` (Qt ignores
    an ambiguous shortcut), and it must have fired."""
    actions = shortcut_actions(window, keys)
    assert len(actions) == 1, f"{keys}: {[a.text() for a in actions] or 'no enabled action'}"
    top = window.window()
    if QApplication.activeWindow() is not top:
        # (QTest.qWaitForWindowActive would also accept a dialog of `top` being active.)
        top.activateWindow()
        for _ in range(WAIT_MS // 10):
            if QApplication.activeWindow() is top:
                break
            QTest.qWait(10)
        assert QApplication.activeWindow() is top, "the window could not be made active"
    fired: list[bool] = []

    def record(*_: object) -> None:
        fired.append(True)

    actions[0].triggered.connect(record)
    target = top.focusWidget() or top
    combo = QKeySequence(keys)[0]
    try:
        QTest.keyClick(target, combo.key(), combo.keyboardModifiers())
    finally:
        actions[0].triggered.disconnect(record)
    assert fired, f"{keys} did not reach {actions[0].text()!r} (focus: {target.objectName()!r})"


def click(widget: QWidget) -> None:
    """A left mouse click in the middle of `widget` (a button, a label...)."""
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def click_index(view: QAbstractItemView, index: QModelIndex) -> None:
    """A left mouse click on the cell `index` of an item view (scrolled into sight first)."""
    view.scrollTo(index)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(index).center())


def when_dialog_opens(qtbot: QtBot, act: Callable[[QDialog], None]) -> None:
    """Run `act(dialog)` on the next modal dialog as soon as it is shown and has loaded what
    it shows (for `exec()`)."""

    give_up = time.monotonic() + WAIT_MS / 1000  # never answer a later test's dialog

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog.isVisible() and not getattr(dialog, "busy",
                                                                               False):
            act(dialog)
        elif time.monotonic() < give_up:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def make_photo(path: Path, colour: str = "#3a7") -> Path:
    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path))
    return path


def when_modal_shows(kind: type[QDialog], act: Callable[[QDialog], None]) -> None:
    """Run `act(dialog)` once a modal dialog of `kind` is up (it opens from a later event:
    often after a background read), as the person at the keyboard would answer it."""
    give_up = time.monotonic() + WAIT_MS / 1000  # never answer a later test's dialog

    def check() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            act(dialog)
        elif time.monotonic() < give_up:
            QTimer.singleShot(20, check)

    QTimer.singleShot(0, check)


@pytest.fixture
def ui_thread_reads() -> Iterator[list[str]]:
    """Every statement of a read run on the UI thread, with the GUI code that ran it; an
    autosave (a short write, BEGIN IMMEDIATE) is allowed. The check hooks SQLAlchemy itself
    and the plain snapshots of `store.raw`, so it catches a read whichever module issues it."""
    reads: list[str] = []

    def watch(conn, _cursor, statement, _params, _context, _many) -> None:  # noqa: ANN001
        if (threading.current_thread() is threading.main_thread()
                and conn.get_execution_options().get(BEGIN_OPTION) != "IMMEDIATE"):
            where = [f"{f.filename.rsplit('assessor_app/', 1)[-1]}:{f.lineno}"
                     for f in traceback.extract_stack() if "assessor_app/gui" in f.filename]
            reads.append(f"{statement.split(chr(10))[0][:60]} <- {' < '.join(where[-2:])}")

    # …and the reads that go around it: plain DB-API snapshots (`store.raw`), which the learner
    # list, the learner's page and the status bar read through.
    plain = raw.read_only_connection

    @contextmanager
    def watched(db_path, key):  # noqa: ANN001, ANN202
        if threading.current_thread() is threading.main_thread():
            where = [f"{f.filename.rsplit('assessor_app/', 1)[-1]}:{f.lineno}"
                     for f in traceback.extract_stack() if "assessor_app/" in f.filename]
            reads.append(f"plain read-only snapshot <- {' < '.join(where[-3:])}")
        with plain(db_path, key) as conn:
            yield conn

    raw.read_only_connection = watched
    event.listen(Engine, "before_cursor_execute", watch)
    try:
        yield reads
    finally:
        event.remove(Engine, "before_cursor_execute", watch)
        raw.read_only_connection = plain
