"""Fixtures for the GUI tests: a store with the bundled units, a per-test QSettings profile, and
the main window built on them. All waiting uses `qtbot.waitUntil` with one shared timeout."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from assessor_app.gui import workers
from assessor_app.gui.main_window import MainWindow
from assessor_app.gui.settings import APPLICATION, ORGANISATION, AppSettings
from assessor_app.specs.bootstrap import ensure_bundled_specs
from assessor_app.store import Store

WAIT_MS = 5000  # the one timeout for everything asynchronous


@pytest.fixture(autouse=True)
def _drain_background_jobs() -> Iterator[None]:
    """No background job may outlive its test (it would touch a closed store)."""
    yield
    workers.cancel_all()
    assert workers.wait_for_all(WAIT_MS)
    QApplication.processEvents()


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
        activate(qtbot, window)
        qtbot.waitUntil(lambda: not window.learner_model.loading, timeout=WAIT_MS)
        return window

    return make


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Make `window` the active window (window shortcuts only fire in the active window)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)


def when_dialog_opens(qtbot: QtBot, act: Callable[[QDialog], None]) -> None:
    """Run `act(dialog)` on the next modal dialog as soon as it is shown (for `exec()`)."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog.isVisible():
            act(dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def make_photo(path: Path, colour: str = "#3a7") -> Path:
    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path))
    return path
