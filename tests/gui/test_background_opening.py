"""The desktop app shows its main window first ("Opening records…"), then opens the database on a
pool thread and fills the window: the passphrase prompt (no keyring), a cancelled prompt and a
database that cannot be opened still end as before (opened, status 1, a dialog and status 2), and
nothing of the start-up reads the database on the UI thread."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from assessor_app.evidence.learners import add_learner
from assessor_app.gui.app import run_gui
from assessor_app.gui.screens.learner_panel import OPENING
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.gui.support import store_opening
from assessor_app.gui.support.settings import AppSettings
from assessor_app.gui.support.store_opening import StoreOpener
from assessor_app.store import Store, open_store
from tests.gui.conftest import WAIT_MS

PASSPHRASE = "background opening passphrase"


@pytest.fixture
def no_prompts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESSOR_APP_NO_DEMO_PROMPT", "1")


def _database(path: Path, *learners: str) -> Path:
    store = open_store(path, passphrase=PASSPHRASE)
    try:
        for n, name in enumerate(learners):
            add_learner(store, name, f"REG-{n}", employer="Shop Ltd")
    finally:
        store.close()
    return path


def _when_window_is_up(check: Callable[[MainWindow], bool],
                       then: Callable[[MainWindow], None]) -> None:
    """Poll from inside `run_gui`'s event loop: once its main window satisfies `check`, call
    `then` with it (and stop polling). After WAIT_MS the app is ended with status 99 instead,
    so a test whose condition never comes fails rather than hangs."""
    deadline = time.monotonic() + WAIT_MS / 1000

    def poll() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        if windows and check(windows[0]):
            then(windows[0])
        elif time.monotonic() > deadline:
            QApplication.exit(99)
        else:
            QTimer.singleShot(5, poll)

    QTimer.singleShot(0, poll)


def test_the_window_shows_opening_then_its_learners(
        qtbot: QtBot, tmp_path: Path, app_settings: AppSettings, memory_keyring) -> None:  # noqa: ANN001
    db = _database(tmp_path / "a.sqlite3", "Ann First", "Ben Second")
    window = MainWindow(None, app_settings)
    qtbot.addWidget(window)
    window.show()
    assert window.store is None and window.busy
    assert window.learner_panel.learner_count.text() == OPENING
    assert not window.main_actions.act_new_learner.isEnabled()  # waits for the database
    opener = StoreOpener(db, window)
    opener.opened.connect(window.attach_store)
    with qtbot.waitSignal(opener.opened, timeout=WAIT_MS):
        opener.start()
    qtbot.waitUntil(lambda: not window.busy, timeout=WAIT_MS)
    assert window.learner_panel.learner_count.text() == "2 learners"
    assert window.main_actions.act_new_learner.isEnabled()
    qtbot.waitUntil(lambda: window.overview is not None, timeout=WAIT_MS)  # first one chosen
    assert window.overview.learner.name in {"Ann First", "Ben Second"}
    assert window.visit_screen is not None and window.pages.indexOf(window.visit_screen) == 1
    window.close()
    opener.store.close()


def test_the_passphrase_is_asked_when_the_keyring_cannot_unlock(
        qtbot: QtBot, tmp_path: Path, app_settings: AppSettings, memory_keyring) -> None:  # noqa: ANN001
    db = _database(tmp_path / "b.sqlite3", "Cara Third")
    memory_keyring.secrets.clear()  # another computer, or a headless one
    window = MainWindow(None, app_settings)
    qtbot.addWidget(window)
    answers = iter(["a wrong guess", PASSPHRASE])
    asked: list[str] = []
    opener = StoreOpener(db, window, ask=lambda m: asked.append(m) or next(answers))
    opener.opened.connect(window.attach_store)
    with qtbot.waitSignal(opener.opened, timeout=WAIT_MS):
        opener.start()
    assert len(asked) == 2 and "does not open" in asked[1]
    assert opener.store is not None and opener.store.typed_passphrase == PASSPHRASE
    qtbot.waitUntil(lambda: not window.busy, timeout=WAIT_MS)
    assert window.learner_panel.learner_model.total() == 1
    window.close()
    opener.store.close()


def test_run_gui_paints_first_then_lists_the_learners(
        qtbot: QtBot, tmp_path: Path, no_prompts: None, memory_keyring) -> None:  # noqa: ANN001
    db = _database(tmp_path / "c.sqlite3", "Dev Fourth")
    seen: dict[str, object] = {}

    def first_look(window: MainWindow) -> bool:
        seen.setdefault("opening_text", window.learner_panel.learner_count.text())
        seen.setdefault("had_store", window.store is not None)
        return window.store is not None and not window.busy

    def listed(window: MainWindow) -> None:
        seen["learners"] = window.learner_panel.learner_model.total()
        window.close()  # the last window: the app quits with status 0

    _when_window_is_up(first_look, listed)
    assert run_gui(db) == 0
    assert seen == {"opening_text": OPENING, "had_store": False, "learners": 1}


def test_a_cancelled_passphrase_prompt_ends_with_status_1(
        qtbot: QtBot, tmp_path: Path, no_prompts: None, memory_keyring,  # noqa: ANN001
        monkeypatch: pytest.MonkeyPatch) -> None:
    db = _database(tmp_path / "d.sqlite3")
    memory_keyring.secrets.clear()
    asked: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(
        lambda _parent, _title, message, *_a, **_k: asked.append(message) or ("", False)))
    assert run_gui(db) == 1
    assert len(asked) == 1


def test_a_database_that_cannot_be_opened_is_a_dialog_and_status_2(
        qtbot: QtBot, tmp_path: Path, no_prompts: None, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "photos.db"
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("CREATE TABLE album (title TEXT)")
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(
        lambda _parent, _title, text, *_a, **_k: said.append(text)))
    seen: list[str] = []
    _when_window_is_up(lambda w: True,
                       lambda w: seen.append(w.learner_panel.learner_count.text()))
    assert run_gui(db) == 2
    assert len(said) == 1 and "another program's database" in said[0]
    assert seen == [OPENING]


def test_start_up_reads_nothing_on_the_ui_thread(
        qtbot: QtBot, tmp_path: Path, no_prompts: None, memory_keyring,  # noqa: ANN001
        ui_thread_reads: list[str]) -> None:
    db = _database(tmp_path / "e.sqlite3", "Eve Fifth", "Fay Sixth")
    ui_thread_reads.clear()  # from here on: the app's start-up
    _when_window_is_up(lambda w: w.store is not None and not w.busy and w.overview is not None,
                       lambda w: w.close())
    assert run_gui(db, offer_demo=False) == 0
    assert ui_thread_reads == []


def test_the_store_opened_for_a_window_closed_meanwhile_is_closed(
        qtbot: QtBot, tmp_path: Path, no_prompts: None, memory_keyring,  # noqa: ANN001
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Closing the window before the database is open: the app ends and the store the
    background opened is closed (not left open behind it)."""
    db = _database(tmp_path / "f.sqlite3")
    closed: list[Store] = []
    original = Store.close
    monkeypatch.setattr(Store, "close", lambda self: (closed.append(self), original(self)))
    window_closed = threading.Event()
    unwrap = store_opening._unwrap_key

    def unwrap_once_closed(*args: object) -> object:  # the opening outlasts the window
        assert window_closed.wait(WAIT_MS / 1000)
        return unwrap(*args)

    monkeypatch.setattr(store_opening, "_unwrap_key", unwrap_once_closed)
    _when_window_is_up(lambda w: w.opener.pending,
                       lambda w: (w.close(), window_closed.set()))
    assert run_gui(db) == 0
    assert [s.db_path for s in closed] == [db.resolve()]


def test_a_module_failing_to_load_after_listing_is_explained_and_the_store_closed(
        qtbot: QtBot, tmp_path: Path, memory_keyring,  # noqa: ANN001
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The learners are listed first (no ORM); a module of the open window that then fails to
    load ends in `failed` with the reason, and the store is closed with the app."""
    db = _database(tmp_path / "g.sqlite3", "Gil Seventh")
    ok = store_opening.open_in_background(db, None, True)
    assert ok.store is not None and [s.learner.name for s in ok.learners] == ["Gil Seventh"]
    ok.store.close()
    with pytest.raises(ModuleNotFoundError):
        store_opening.prepare_window(("assessor_app.gui.no_such_module",))
    monkeypatch.setattr(store_opening, "OPEN_WINDOW_MODULES", ("assessor_app.gui.no_such_module",))
    monkeypatch.setattr(store_opening.prepare_window, "__defaults__",
                        (("assessor_app.gui.no_such_module",),))
    parent = MainWindow(None)
    qtbot.addWidget(parent)
    opener = StoreOpener(db, parent)
    listed: list[Store] = []
    opener.listed.connect(listed.append)
    with qtbot.waitSignal(opener.failed, timeout=WAIT_MS) as failed:
        opener.start()
    assert "ModuleNotFoundError" in str(failed.args[0])
    assert listed == [opener.store] and not opener.pending
    opener.store.close()  # what run_gui does at the end
