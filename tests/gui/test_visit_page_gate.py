"""The desktop app's window shows the learner's page before the visit page exists (and the ORM is
loaded); the first command that needs the visit page loads its modules off the UI thread, builds
it and then runs, as if it had been there; a failure to load says why, builds nothing and the
next command tries again."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from assessor_app.demo.builder import build_demo
from assessor_app.gui.screens import visit_page
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.gui.support.settings import AppSettings
from assessor_app.signoff.keys import load_or_create_identity
from assessor_app.store import Store
from tests.gui.conftest import WAIT_MS, press, settle


def _window_opened_in_the_background(qtbot: QtBot, store: Store,
                                     settings: AppSettings) -> MainWindow:
    """As `gui.app.run_gui` attaches the store: the visit page left for later."""
    window = MainWindow(None, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.attach_store(store, visit_page=False)
    return window


def test_the_first_start_visit_builds_the_visit_page_then_starts_the_visit(
        qtbot: QtBot, spec_store: Store, app_settings: AppSettings) -> None:
    demo = build_demo(spec_store, load_or_create_identity)
    assert demo is not None
    window = _window_opened_in_the_background(qtbot, spec_store, app_settings)
    window.select_learner(demo.learner_id)
    qtbot.waitUntil(lambda: window.overview is not None and not window.busy, timeout=WAIT_MS)
    assert window.visit_screen is None  # the learner's page needs no visit page
    assert window.main_actions.act_start.isEnabled()  # …and its commands are offered
    press(window, "Ctrl+N")
    qtbot.waitUntil(lambda: window.visit_screen is not None
                    and window.pages.currentWidget() is window.visit_screen, timeout=WAIT_MS)
    settle(qtbot, window)
    assert window.visit_screen.learner_id == demo.learner_id and window.visit_screen.visit_id
    assert window.main_actions.act_new_obs.isEnabled()  # the visit page's actions act on it
    press(window, "Alt+Left")
    assert window.pages.currentWidget() is window.main_split
    # A visit on the learner's page opens at once now (the page is built once)
    built = window.visit_screen
    visit_id = window.overview.visits[0].visit.id
    window.overview_panel.visit_activated.emit(visit_id)
    assert window.visit_screen is built and window.visit_screen.visit_id == visit_id


def test_a_visit_page_that_cannot_load_is_explained_and_nothing_runs(
        qtbot: QtBot, spec_store: Store, app_settings: AppSettings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    demo = build_demo(spec_store, load_or_create_identity)
    assert demo is not None

    def broken() -> None:
        raise ModuleNotFoundError("No module named 'assessor_app.gui.no_such_module'")

    monkeypatch.setattr(visit_page, "load_modules", broken)
    window = _window_opened_in_the_background(qtbot, spec_store, app_settings)
    window.select_learner(demo.learner_id)
    qtbot.waitUntil(lambda: window.overview is not None and not window.busy, timeout=WAIT_MS)
    ran: list[bool] = []
    window.when_open(lambda: ran.append(True))
    qtbot.waitUntil(lambda: not window.visit_gate.busy, timeout=WAIT_MS)
    assert window.visit_screen is None and ran == []
    assert "ModuleNotFoundError" in window.overview_panel.banner.text()
    assert window.status_label.text() == "Ready"
    monkeypatch.undo()  # the next command tries again
    window.when_open(lambda: ran.append(True))
    qtbot.waitUntil(lambda: ran == [True], timeout=WAIT_MS)
    assert window.visit_screen is not None
