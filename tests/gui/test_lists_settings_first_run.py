"""Long lists load lazily; search filters as you type; the window remembers its geometry and the
last learner; first start imports the units and offers a demo learner; `assessor-app` opens it."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlmodel import select

from assessor_app.demo.builder import demo_learner_id as create_demo_learner
from assessor_app.evidence.items import create_evidence, list_evidence
from assessor_app.evidence.learners import add_learner
from assessor_app.gui.dialogs.first_run import FirstRun
from assessor_app.gui.models.evidence_list_model import EvidenceListModel
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.gui.support.settings import AppSettings
from assessor_app.store import Store
from assessor_app.store.models import Learner, Unit
from assessor_app.vault.errors import VaultError
from tests.gui.conftest import WAIT_MS, click, has_focus, press, settle
from tests.rawdb import CLI_PASSPHRASE, cli_env, raw_connect


def test_learner_list_loads_lazily_and_filters(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    """With 130 learners only the first page is in the view; scrolling fetches more; typing in
    the search box (Ctrl+F) narrows the list."""
    for i in range(130):
        add_learner(spec_store, f"Learner {i:03d}", f"R{i:04d}", employer="Shop" if i % 2 else "Cafe")
    window = make_window(spec_store)
    model = window.learner_panel.learner_model
    qtbot.waitUntil(lambda: model.total() == 130, timeout=WAIT_MS)
    assert model.rowCount() == model.page < 130
    assert model.canFetchMore()
    window.learner_panel.learner_list.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > model.page, timeout=WAIT_MS)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 130

    press(window, "Ctrl+F")
    assert has_focus(window.learner_panel.search)
    qtbot.keyClicks(window.learner_panel.search, "Learner 12")
    qtbot.waitUntil(lambda: model.total() == 10, timeout=WAIT_MS)  # Learner 120 … 129
    assert all(model.data(model.index(r)).startswith("Learner 12")
               for r in range(model.rowCount()))
    window.learner_panel.search.clear()
    qtbot.waitUntil(lambda: model.total() == 130, timeout=WAIT_MS)


def test_evidence_list_reveals_rows_in_pages(spec_store: Store, qtbot: QtBot) -> None:
    learner = add_learner(spec_store, "Many Items", "R9000")
    for i in range(25):
        create_evidence(spec_store, learner.id, "observation", text=f"Item {i}")
    model = EvidenceListModel(page=10)
    model.set_summaries(list_evidence(spec_store, learner.id))
    assert model.rowCount() == 10 and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 25 and not model.canFetchMore()
    # Newest first: the item a visit opens on is always in the first page.
    assert model.data(model.index(0)).endswith("Item 24")
    assert model.data(model.index(24)).endswith("Item 0")


def test_geometry_and_last_learner_are_remembered(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow],
        app_settings: AppSettings) -> None:
    first = add_learner(spec_store, "Amy First", "R1")
    second = add_learner(spec_store, "Ben Second", "R2")
    window = make_window(spec_store)
    qtbot.waitUntil(lambda: window.learner_id == first.id, timeout=WAIT_MS)
    window.select_learner(second.id)
    window.resize(760, 540)
    saved = (window.width(), window.height())  # may be wider: the window's minimum width
    window.close()
    assert app_settings.last_learner_id == second.id

    window2 = MainWindow(spec_store, app_settings)  # no resize: the saved geometry applies
    qtbot.addWidget(window2)
    window2.show()
    qtbot.waitUntil(lambda: window2.overview is not None, timeout=WAIT_MS)
    assert window2.learner_id == second.id
    assert window2.overview.learner.name == "Ben Second"
    assert (window2.width(), window2.height()) == saved != (1280, 760)


def test_first_start_imports_units_and_offers_a_demo(
        qtbot: QtBot, store: Store, app_settings: AppSettings) -> None:
    """An empty database: the bundled units are imported in the background, the demo prompt
    appears, and accepting it opens the demo in a window and database of its own, leaving this
    database without learners."""
    window = MainWindow(store, app_settings)
    qtbot.addWidget(window)
    window.show()
    first_run = FirstRun(window, offer_demo=True, offer_setup=False)
    with qtbot.waitSignal(first_run.specs_ready, timeout=WAIT_MS):
        first_run.start()
    with store.session() as s:
        assert len(s.exec(select(Unit)).all()) >= 2
    qtbot.waitUntil(lambda: first_run.prompt is not None and first_run.prompt.isVisible(),
                    timeout=WAIT_MS)
    with qtbot.waitSignal(first_run.demo_opened, timeout=WAIT_MS) as opened:
        click(first_run.prompt.button(QMessageBox.StandardButton.Yes))
    demo = opened.args[0]
    qtbot.addWidget(demo)
    assert "DEMO" in demo.windowTitle() and demo.store.db_path != store.db_path
    qtbot.waitUntil(lambda: demo.learner_panel.learner_model.rowCount() == 1, timeout=WAIT_MS)
    with store.session() as s:
        assert s.exec(select(Learner)).all() == []
    assert app_settings.demo_offered
    demo.close()


def test_no_demo_prompt_when_switched_off(
        qtbot: QtBot, store: Store, app_settings: AppSettings,
        monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("ASSESSOR_APP_NO_DEMO_PROMPT", "1")
    window = MainWindow(store, app_settings)
    qtbot.addWidget(window)
    first_run = FirstRun(window)
    with qtbot.waitSignal(first_run.specs_ready, timeout=WAIT_MS):
        first_run.start()
    assert first_run.prompt is None


def test_assessor_app_without_arguments_opens_the_window(tmp_path: Path) -> None:
    """The real console script with no command starts the GUI on the database: the first-run
    import fills the unit library and the app keeps running (until we stop it)."""
    db = tmp_path / "cli.sqlite3"
    env = cli_env(QT_QPA_PLATFORM="offscreen", ASSESSOR_APP_NO_DEMO_PROMPT="1",
                  ASSESSOR_APP_DB=str(db))
    script = Path(sys.executable).with_name("assessor-app")
    proc = subprocess.Popen([str(script)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        units = 0
        while time.monotonic() < deadline and proc.poll() is None and units < 2:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.2)  # returns at once if the app died
            if db.exists():
                # (the file exists a moment before its tables: SQLCipher's error, like sqlite3's)
                with contextlib.suppress(sqlite3.OperationalError, sqlcipher.OperationalError,
                                         VaultError):
                    con = raw_connect(db, CLI_PASSPHRASE)
                    try:
                        units = con.execute("SELECT count(*) FROM unit").fetchone()[0]
                    finally:
                        con.close()
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        assert units >= 2
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_visit_lists_are_wide_enough_at_1366x768(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    """On a 1366×768 laptop the evidence list shows a whole row heading and a good part of the
    first line, rather than a sliver with every line cut off."""
    from assessor_app.gui.screens.visit_screen import LIST_HEADING_SAMPLE

    learner_id = create_demo_learner(spec_store)
    window = make_window(spec_store)
    qtbot.waitUntil(lambda: window.learner_id == learner_id, timeout=WAIT_MS)
    press(window, "Ctrl+N")
    settle(qtbot, window)
    vs = window.visit_screen
    assert window.width() == 1366
    room = vs.evidence_list.viewport().width() - vs.evidence_list.iconSize().width() - 16
    assert room >= vs.evidence_list.fontMetrics().horizontalAdvance(LIST_HEADING_SAMPLE) + 40
    assert vs.picker.tree.width() >= 420  # a criterion's words, not just its number
