"""The UI thread never reads lists or coverage in response to the user, and a result that
arrives after its window or dialog has gone (or after "stop") is dropped, not applied."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from assessor_app.demo.builder import demo_learner_id
from assessor_app.gui.dialogs.learner_dialogs import EnrolDialog
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.gui.screens.visit_screen import VisitScreen
from assessor_app.gui.support import workers
from assessor_app.store import Store
from tests.gui.conftest import WAIT_MS, click_index, press, settle, when_dialog_opens

#: Reads whose cost grows with the learner's units and evidence.
GROWING_READS = ("learner_coverage", "list_evidence", "list_units", "list_visits",
                 "open_visit_data", "visit_coverage", "visit_evidence_page",
                 "evidence_summaries", "criterion_states", "requirement_ticks")
READ_PATHS = ("assessor_app.gui", "assessor_app.evidence.queries",
              "assessor_app.signoff.queries", "assessor_app.specs.queries", "assessor_app.ers.queries")


@pytest.fixture
def ui_thread_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every call of a growing read made on the UI thread, by name, from any GUI module or the
    core query functions the GUI reads through."""
    calls: list[str] = []

    def spy(name: str, fn: Callable) -> Callable:
        def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            if threading.current_thread() is threading.main_thread():
                calls.append(name)
            return fn(*args, **kwargs)
        return wrapper

    for module_name, module in list(sys.modules.items()):
        # The GUI's modules and the core's query modules it calls (gui/ holds no reads itself).
        if module_name.startswith(READ_PATHS):
            for name in GROWING_READS:
                if callable(getattr(module, name, None)):
                    monkeypatch.setattr(module, name, spy(name, getattr(module, name)))
    yield calls


def _visit_started(qtbot: QtBot, store: Store, make_window: Callable[[Store], MainWindow]
                   ) -> tuple[MainWindow, VisitScreen]:
    """The window on the demo learner, a visit started with Ctrl+N and shown."""
    learner_id = demo_learner_id(store)
    window = make_window(store)
    qtbot.waitUntil(lambda: window.learner_id == learner_id, timeout=WAIT_MS)
    press(window, "Ctrl+N")
    settle(qtbot, window)
    return window, window.visit_screen


def test_a_visit_reads_its_lists_and_coverage_off_the_ui_thread(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow],
        ui_thread_reads: list[str]) -> None:
    """Open a visit, record and map evidence, undo, open the coverage matrix and click a cell:
    none of it reads the learner's lists or coverage on the UI thread."""
    window, vs = _visit_started(qtbot, spec_store, make_window)
    assert vs.picker.model.criterion_ids()
    press(window, "Ctrl+Shift+O")
    qtbot.keyClicks(vs.editor.text, "Served a queue of four.")
    vs.flush()
    press(window, "F8")
    press(window, "Ctrl+T")
    settle(qtbot, window)
    assert len(vs.chips.labels()) == 1
    press(window, "Ctrl+Z")
    settle(qtbot, window)
    press(window, "Ctrl+M")
    settle(qtbot, window)
    view = window.coverage_dialog.view
    click_index(view.table, view.model.index(0, 0))
    answered: list[QWidget] = []
    when_dialog_opens(qtbot, lambda dialog: (answered.append(dialog), dialog.reject()))
    press(window, "Ctrl+Shift+F")  # the close-visit dialog, once it has loaded its picker
    qtbot.waitUntil(lambda: bool(answered), timeout=WAIT_MS)  # it opens after a worker's read
    assert ui_thread_reads == []


def test_close_visit_dialog_reads_its_picker_in_the_background(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow],
        ui_thread_reads: list[str]) -> None:
    from assessor_app.evidence.visits import visit_for_closing
    from assessor_app.gui.dialogs.close_visit_dialog import CloseVisitDialog

    window, vs = _visit_started(qtbot, spec_store, make_window)
    visit, targets = visit_for_closing(spec_store, vs.visit_id)
    dialog = CloseVisitDialog(spec_store, visit, targets, lambda _e: None, window)
    qtbot.addWidget(dialog)
    settle(qtbot, dialog)
    assert dialog.targets.model.criterion_ids()
    headings = [w.text() for w in dialog.findChildren(QLabel)]
    assert any("Criteria for next time" in h for h in headings)
    assert not any("this evidence shows" in h for h in headings)  # not the visit's wording
    dialog.reject()
    assert ui_thread_reads == []


def test_a_result_for_a_deleted_dialog_is_dropped(qtbot: QtBot, spec_store: Store) -> None:
    """The enrol dialog is closed (and deleted) while its unit list is still being read: the
    late result is not applied to the dead dialog, and nothing raises."""
    learner_id = demo_learner_id(spec_store)
    gate = threading.Event()
    original = EnrolDialog.__init__.__globals__["enrol_choices"]

    def slow(store: Store, lid: int):  # noqa: ANN202
        gate.wait(WAIT_MS / 1000)
        return original(store, lid)

    EnrolDialog.__init__.__globals__["enrol_choices"] = slow
    try:
        dialog = EnrolDialog(spec_store, learner_id)
        assert dialog.busy
        shiboken6.delete(dialog)
        gate.set()
        assert workers.wait_for_all(WAIT_MS)
        QApplication.processEvents()  # delivers the queued result, which must be dropped
    finally:
        EnrolDialog.__init__.__globals__["enrol_choices"] = original


def test_no_result_is_delivered_after_cancel_all(qtbot: QtBot) -> None:
    """A result already queued for the UI thread when the window closes (cancel_all) is not
    handed to the window."""
    owner = QWidget()
    qtbot.addWidget(owner)
    got: list[object] = []
    workers.run_in_background(lambda: 42, on_done=got.append, owner=owner)
    assert workers.wait_for_all(WAIT_MS)  # finished; its signal waits in the event queue
    workers.cancel_all()
    QApplication.processEvents()
    assert got == []


def test_newest_load_wins(qtbot: QtBot) -> None:
    """Two loads in a row: only the second one's result is shown, and busy ends with it."""
    owner = QWidget()
    qtbot.addWidget(owner)
    loader = workers.Loader(owner)
    gate = threading.Event()
    shown: list[str] = []
    loader.run(lambda: gate.wait(WAIT_MS / 1000) and "old", on_done=shown.append)
    loader.run(lambda: "new", on_done=shown.append)
    assert loader.busy
    gate.set()
    qtbot.waitUntil(lambda: not loader.busy, timeout=WAIT_MS)
    assert workers.wait_for_all(WAIT_MS)
    QApplication.processEvents()
    assert shown == ["new"]


def test_closing_the_window_while_it_loads_is_harmless(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    learner_id = demo_learner_id(spec_store)
    window = make_window(spec_store)
    window.select_learner(learner_id)
    window.start_visit()
    assert window.busy
    window.close()  # cancels the loads; their queued results must not reach the closed window
    assert workers.wait_for_all(WAIT_MS)
    QApplication.processEvents()


def test_a_criterion_ticked_while_a_new_item_is_read_back_stays_shown(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A new item is shown at once and read back on a worker; when that read is slow (a busy
    laptop) and a criterion is ticked meanwhile, the older snapshot must not wipe the tick off
    the screen."""
    import time

    from assessor_app.gui.screens import visit_commands

    window, vs = _visit_started(qtbot, spec_store, make_window)
    read_back = visit_commands.item_and_lock

    def slow_read_back(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        snapshot = read_back(*args, **kwargs)
        time.sleep(0.4)  # the tick below lands while this older snapshot is on its way
        return snapshot

    monkeypatch.setattr(visit_commands, "item_and_lock", slow_read_back)
    press(window, "Ctrl+Shift+O")
    press(window, "F8")
    press(window, "Ctrl+T")
    settle(qtbot, window)
    assert len(vs.chips.labels()) == 1
