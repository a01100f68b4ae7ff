"""Where the main window was left: its geometry (per screen size and scale, always inside the
screen), toolbars, splitters and the learner last chosen, kept in the app's QSettings."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize

from assessor_app.gui.support.fit import restore_geometry, save_geometry

#: The main window (typed loosely: this module must not import it back).
MainWindow = Any


def restore_window_state(window: MainWindow) -> None:
    s = window.settings
    restore_geometry(window, "main_window", s.qsettings, QSize(1280, 760))
    if not s.window_state.isEmpty():
        window.restoreState(s.window_state)
    if not s.main_splitter.isEmpty():
        window.main_split.restoreState(s.main_splitter)


def save_window_state(window: MainWindow) -> None:
    s = window.settings
    save_geometry(window, "main_window", s.qsettings)
    s.window_state = window.saveState()
    s.main_splitter = window.main_split.saveState()
    if window.visit_screen is not None:
        s.visit_splitter = window.visit_screen.splitter.saveState()
    if window.learner_id is not None:
        s.last_learner_id = window.learner_id
    s.sync()
