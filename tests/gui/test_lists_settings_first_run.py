"""Long lists load lazily; search filters as you type; the window remembers its geometry and the
last learner; first start imports the units and offers a demo learner; `assessor-app` opens it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlmodel import select

from assessor_app.evidence.items import create_evidence, list_evidence
from assessor_app.evidence.learners import add_learner
from assessor_app.gui.first_run import FirstRun
from assessor_app.gui.main_window import MainWindow
from assessor_app.gui.models.evidence_list_model import EvidenceListModel
from assessor_app.gui.settings import AppSettings
from assessor_app.store import Store, open_store
from assessor_app.store.models import Learner, Unit
from tests.gui.conftest import WAIT_MS


def test_learner_list_loads_lazily_and_filters(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    """With 130 learners only the first page is in the view; scrolling fetches more; typing in
    the search box (Ctrl+F) narrows the list."""
    for i in range(130):
        add_learner(spec_store, f"Learner {i:03d}", f"R{i:04d}", employer="Shop" if i % 2 else "Cafe")
    window = make_window(spec_store)
    model = window.learner_model
    qtbot.waitUntil(lambda: model.total() == 130, timeout=WAIT_MS)
    assert model.rowCount() == model.page < 130
    assert model.canFetchMore()
    window.learner_list.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > model.page, timeout=WAIT_MS)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 130

    window.focus_search()
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "Learner 12")
    qtbot.waitUntil(lambda: model.total() == 10, timeout=WAIT_MS)  # Learner 120 … 129
    assert all(model.data(model.index(r)).startswith("Learner 12")
               for r in range(model.rowCount()))
    window.search.clear()
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
    assert model.data(model.index(24)).endswith("Item 24")


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
    appears, and accepting it shows a populated learner."""
    window = MainWindow(store, app_settings)
    qtbot.addWidget(window)
    window.show()
    first_run = FirstRun(window, offer_demo=True)
    with qtbot.waitSignal(first_run.specs_ready, timeout=WAIT_MS):
        first_run.start()
    with store.session() as s:
        assert len(s.exec(select(Unit)).all()) >= 2
    qtbot.waitUntil(lambda: first_run.prompt is not None and first_run.prompt.isVisible(),
                    timeout=WAIT_MS)
    with qtbot.waitSignal(first_run.demo_created, timeout=WAIT_MS):
        first_run.prompt.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: window.overview is not None and len(window.units_model.units()) == 2,
                    timeout=WAIT_MS)
    assert window.visits_model.rowCount() == 2
    assert app_settings.demo_offered


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


def test_assessor_app_without_arguments_opens_the_window(
        qtbot: QtBot, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """`assessor-app --db FILE` (no command) runs the GUI on that file; we quit it once the
    main window is up and check the first-run import happened."""
    from assessor_app.cli import main

    monkeypatch.setenv("ASSESSOR_APP_NO_DEMO_PROMPT", "1")
    db = tmp_path / "cli.sqlite3"
    seen: list[str] = []

    def quit_when_ready() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        if windows and windows[0].status_label.text() == "Ready" \
                and not windows[0].learner_model.loading:
            seen.append(windows[0].windowTitle())
            windows[0].close()
            QApplication.quit()
        else:
            QTimer.singleShot(50, quit_when_ready)

    QTimer.singleShot(50, quit_when_ready)
    assert main(["--db", str(db)]) == 0
    assert seen == ["Assessor companion"]
    check = open_store(db)
    try:
        with check.session() as s:
            assert len(s.exec(select(Unit)).all()) >= 2
            assert s.exec(select(Learner)).all() == []
    finally:
        check.close()
