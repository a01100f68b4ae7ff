"""A visit with many items: the list pages in from the database as it scrolls (the newest
first), and an edit changes only the rows, criteria and requirements it touched.

Driven as a user would: open the visit, press End in the list until the oldest item is shown,
tick a criterion with Space, untick it with the chip's Delete key, tick a requirement, type into
the narrative; each step is checked on screen and in the database.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor_app.evidence.coverage import learner_coverage
from assessor_app.evidence.items import create_evidence, get_evidence
from assessor_app.evidence.learners import add_learner, enrol
from assessor_app.evidence.visits import start_visit
from assessor_app.gui.models.criteria_tree_model import STATE_ROLE
from assessor_app.gui.models.evidence_list_model import EVIDENCE_ID_ROLE, PAGE
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.store import Store
from tests.gui.conftest import WAIT_MS, press, settle

UNIT = "L/601/1239"  # states evidence requirements
ITEMS = 2 * PAGE + 17  # three pages


def _visit_with_items(store: Store) -> tuple[int, int, list[int]]:
    learner = add_learner(store, "Ada Page", "R3003", employer="Corner Shop")
    assert learner.id is not None
    enrol(store, learner.id, UNIT)
    visit = start_visit(store, learner.id)
    assert visit.id is not None
    ids = [create_evidence(store, learner.id, "observation", visit_id=visit.id,
                           text=f"Item number {n} served a customer.").evidence_id
           for n in range(ITEMS)]
    return learner.id, visit.id, ids


def _open(qtbot: QtBot, window: MainWindow, learner_id: int, visit_id: int) -> None:
    window.select_learner(learner_id)
    settle(qtbot, window)
    window.open_visit(visit_id)
    settle(qtbot, window, window.visit_screen)


def _row_ids(window: MainWindow) -> list[int]:
    model = window.visit_screen.evidence_model
    return [model.index(r).data(EVIDENCE_ID_ROLE) for r in range(model.rowCount())]


def test_the_list_pages_in_as_it_scrolls_to_the_oldest_item(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    learner_id, visit_id, ids = _visit_with_items(spec_store)
    window = make_window(spec_store)
    _open(qtbot, window, learner_id, visit_id)
    vs = window.visit_screen
    # Opened on the newest item, with only the first page read.
    assert vs.detail is not None and vs.detail.item.id == ids[-1]
    assert _row_ids(window) == ids[::-1][:PAGE]
    assert not vs.evidence_model.complete

    vs.evidence_list.setFocus()
    for _ in range(ITEMS):  # End, as a user would, until nothing more comes
        qtbot.keyClick(vs.evidence_list, Qt.Key.Key_End)
        settle(qtbot, vs)
        if vs.evidence_model.complete and vs.evidence_model.rowCount() == ITEMS:
            break
    assert _row_ids(window) == ids[::-1]  # every item once, newest first
    last = vs.evidence_model.index(ITEMS - 1)
    assert last.data().startswith("OBS-1 ")
    qtbot.keyClick(vs.evidence_list, Qt.Key.Key_End)
    settle(qtbot, vs)
    assert vs.evidence_list.currentIndex() == last
    assert vs.evidence_list.viewport().rect().intersects(vs.evidence_list.visualRect(last))
    assert vs.detail is not None and vs.detail.item.id == ids[0]  # opened in the editor


def test_mapping_ticking_and_typing_touch_only_their_rows(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    learner_id, visit_id, ids = _visit_with_items(spec_store)
    window = make_window(spec_store)
    _open(qtbot, window, learner_id, visit_id)
    vs = window.visit_screen
    current = vs.detail.item.id
    resets: list[int] = []
    vs.evidence_model.modelReset.connect(lambda: resets.append(1))
    vs.picker.model.modelReset.connect(lambda: resets.append(2))
    vs.requirements.model.modelReset.connect(lambda: resets.append(3))
    changed_rows: list[int] = []
    vs.evidence_model.dataChanged.connect(lambda tl, br, *_: changed_rows.extend(
        range(tl.row(), br.row() + 1)))

    # Tick the first criterion with Space in the picker's tree.
    criterion = vs.picker.model.criterion_ids()[0]
    vs.picker.select_criterion(criterion)
    vs.picker.tree.setFocus()
    qtbot.waitUntil(vs.picker.tree.hasFocus, timeout=WAIT_MS)
    assert vs.picker.model.index_for_criterion(criterion).data(STATE_ROLE) == "unevidenced"
    qtbot.keyClick(vs.picker.tree, Qt.Key.Key_Space)
    assert vs.chips.labels() == [f"{UNIT} 1.1"]  # at once, from what the picker knows
    settle(qtbot, vs)
    assert [m.criterion_id for m in get_evidence(spec_store, current).criteria] == [criterion]
    assert vs.picker.model.index_for_criterion(criterion).data(STATE_ROLE) == "evidenced"
    assert learner_coverage(spec_store, learner_id).units[0].criteria[0].state == "evidenced"
    row = vs.evidence_model.row_of(current)
    assert " · 1 criterion" in vs.evidence_model.index(row).data()
    assert set(changed_rows) == {row}

    # Untick it with Delete on its chip: the state goes back.
    vs.chips.setCurrentIndex(vs.chips.model().index(0, 0))
    qtbot.keyClick(vs.chips, Qt.Key.Key_Delete)
    settle(qtbot, vs)
    assert vs.picker.model.index_for_criterion(criterion).data(STATE_ROLE) == "unevidenced"
    assert "criteri" not in vs.evidence_model.index(row).data().split("\n")[0]

    # Tick requirement 1 (Ctrl+4 puts the cursor on it, Space ticks it).
    press(window, "Ctrl+4")
    qtbot.keyClick(vs.requirements.tree, Qt.Key.Key_Space)
    settle(qtbot, vs)
    assert vs.side_tabs.tabText(1) == "Requirements 1/12"
    assert "Requirements ticked:</b> L/601/1239 1" in vs.ticks_label.text()

    # Type: after the autosave only this item's row shows the new first line.
    vs.editor.text.selectAll()
    qtbot.keyClicks(vs.editor.text, "Greeted the queue calmly.")
    vs.flush()
    qtbot.waitUntil(lambda: vs.evidence_model.index(row).data().endswith(
        "Greeted the queue calmly."), timeout=WAIT_MS)
    settle(qtbot, vs)
    assert set(changed_rows) == {row}
    assert resets == []  # nothing was rebuilt: only the touched rows changed
    assert vs.evidence_model.rowCount() == PAGE  # and nothing more was read


def test_deleting_and_undoing_moves_only_that_row(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    learner_id, visit_id, ids = _visit_with_items(spec_store)
    window = make_window(spec_store)
    _open(qtbot, window, learner_id, visit_id)
    vs = window.visit_screen
    third = ids[-3]
    vs.select_evidence(third)
    settle(qtbot, vs)  # the item is read in the background
    vs.delete_current()
    settle(qtbot, vs)
    assert vs.evidence_model.row_of(third) == -1
    assert _row_ids(window) == [i for i in ids[::-1][:PAGE] if i != third]
    press(window, "Ctrl+Z")
    settle(qtbot, window, vs)
    assert _row_ids(window)[:3] == ids[::-1][:3]
    new_id = vs.new_evidence("witness")
    settle(qtbot, vs)
    assert _row_ids(window)[0] == new_id


def test_an_empty_visit_says_how_to_start(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    learner = add_learner(spec_store, "Bea Empty", "R3004")
    assert learner.id is not None
    enrol(spec_store, learner.id, UNIT)
    visit = start_visit(spec_store, learner.id)
    window = make_window(spec_store)
    _open(qtbot, window, learner.id, visit.id)
    vs = window.visit_screen
    assert vs.evidence_model.rowCount() == 0 and vs.detail is None
    assert vs.empty_hint.isVisible() and "New evidence" in vs.empty_hint.text()
    assert not vs.opening_label.isVisible()
    vs.new_evidence("observation")
    settle(qtbot, vs)
    assert not vs.empty_hint.isVisible() and vs.evidence_model.rowCount() == 1


def test_ticking_in_a_row_recounts_the_learner_page_once(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    """Three criteria ticked one after another: the window is told once (after the last), and
    the learner page then shows all three as evidenced."""
    learner_id, visit_id, _ids = _visit_with_items(spec_store)
    window = make_window(spec_store)
    _open(qtbot, window, learner_id, visit_id)
    vs = window.visit_screen
    told: list[int] = []
    vs.coverage_changed.connect(told.append)
    vs.picker.tree.setFocus()
    for criterion in vs.picker.model.criterion_ids()[:3]:
        vs.picker.select_criterion(criterion)
        qtbot.keyClick(vs.picker.tree, Qt.Key.Key_Space)
    settle(qtbot, window, vs)
    assert told == [learner_id]
    assert learner_coverage(spec_store, learner_id).counts.evidenced == 3
    assert window.overview is not None and window.overview.coverage.counts.evidenced == 3
