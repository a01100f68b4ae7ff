"""Opening a visit, picking an item, typing into it, new items, undo/redo, attachments, the
coverage matrix, unlocking a signed record and opening the sign-off dialog never read the
database on the UI thread: every read-only snapshot these actions take runs on a worker thread.

The check hooks SQLAlchemy itself (every statement of every engine), so it catches any read,
whichever module issues it. Reads are the statements of read-only snapshots (`Store.read_session`,
BEGIN DEFERRED); an autosave is a short write transaction (BEGIN IMMEDIATE) and is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from assessor_app.demo.builder import demo_learner_id
from assessor_app.evidence.items import create_evidence
from assessor_app.evidence.questioning import list_questions
from assessor_app.evidence.visits import start_visit
from assessor_app.gui.dialogs.close_visit_dialog import CloseVisitDialog
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.store import Store
from tests.gui.conftest import WAIT_MS, click_index, press, settle, when_modal_shows


def _stored_questions(store: Store, evidence_id: int) -> list:
    """What the database holds, read by the test on a thread of its own (not the UI's)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(list_questions, store, evidence_id).result()


def test_visit_item_typing_and_coverage_read_off_the_ui_thread(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow],
        ui_thread_reads: list[str]) -> None:
    learner_id = demo_learner_id(spec_store)
    visit = start_visit(spec_store, learner_id)
    assert visit.id is not None
    for n in range(3):
        create_evidence(spec_store, learner_id, "observation", visit_id=visit.id,
                        title=f"Till {n}", text="Counted the float.")
    window = make_window(spec_store)
    qtbot.waitUntil(lambda: window.learner_id == learner_id, timeout=WAIT_MS)
    settle(qtbot, window)
    ui_thread_reads.clear()  # from here on: the actions under test

    press(window, "Ctrl+N")  # Start visit: the one in progress is found on a worker
    vs = window.visit_screen
    settle(qtbot, window, vs)
    assert window.pages.currentWidget() is vs and vs.visit_id == visit.id
    assert vs.detail is not None
    first = vs.detail.item.id
    last_row = vs.evidence_model.index(vs.evidence_model.rowCount() - 1)
    click_index(vs.evidence_list, last_row)  # another (the oldest) item, by the mouse
    settle(qtbot, vs)
    assert vs.detail is not None and vs.detail.item.id != first
    qtbot.keyClicks(vs.editor.text, " Checked the safe.")
    vs.flush()
    assert vs.detail.item.id == vs.editor.evidence_id
    window.show_coverage()
    settle(qtbot, window, window.coverage_dialog.view)
    window.coverage_dialog.close()
    closing: list[CloseVisitDialog] = []
    when_modal_shows(CloseVisitDialog, lambda d: (closing.append(d), d.reject()))
    press(window, "Ctrl+Shift+F")  # Close visit: the visit and its targets read on a worker
    qtbot.waitUntil(lambda: bool(closing), timeout=WAIT_MS)
    assert closing[0].visit_id == visit.id
    assert ui_thread_reads == []


def test_paging_mapping_ticking_and_cell_evidence_read_off_the_ui_thread(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow],
        ui_thread_reads: list[str]) -> None:
    """A visit longer than a page: scrolling to its oldest item, ticking a criterion (Space) and
    a requirement, unticking with a chip, typing, and the coverage matrix's cell evidence all
    read on worker threads (mapping and ticking write on the UI thread: short writes)."""
    from tests.gui.test_visit_paging import ITEMS, _open, _visit_with_items

    learner_id, visit_id, ids = _visit_with_items(spec_store)
    window = make_window(spec_store)
    window.select_learner(learner_id)
    settle(qtbot, window)
    ui_thread_reads.clear()  # from here on: the actions under test

    _open(qtbot, window, learner_id, visit_id)
    vs = window.visit_screen
    vs.evidence_list.setFocus()
    for _ in range(ITEMS):
        qtbot.keyClick(vs.evidence_list, Qt.Key.Key_End)
        settle(qtbot, vs)
        if vs.evidence_model.complete:
            break
    qtbot.keyClick(vs.evidence_list, Qt.Key.Key_End)
    settle(qtbot, vs)
    assert vs.detail is not None and vs.detail.item.id == ids[0]
    criterion = vs.picker.model.criterion_ids()[0]
    vs.picker.select_criterion(criterion)
    vs.picker.tree.setFocus()
    qtbot.keyClick(vs.picker.tree, Qt.Key.Key_Space)
    settle(qtbot, vs)
    assert vs.picker.model.checked() == {criterion}
    press(window, "Ctrl+4")
    qtbot.keyClick(vs.requirements.tree, Qt.Key.Key_Space)
    settle(qtbot, vs)
    assert vs.side_tabs.tabText(1) == "Requirements 1/12"
    vs.chips.setCurrentIndex(vs.chips.model().index(0, 0))
    qtbot.keyClick(vs.chips, Qt.Key.Key_Delete)
    settle(qtbot, vs)
    assert vs.picker.model.checked() == set()
    qtbot.keyClicks(vs.editor.text, " Checked the safe.")
    vs.flush()
    settle(qtbot, vs)
    window.show_coverage()
    view = window.coverage_dialog.view
    settle(qtbot, window, view)
    click_index(view.table, view.model.index(0, 0))
    settle(qtbot, view)
    assert ui_thread_reads == []


def test_new_evidence_undo_redo_and_attachments_read_off_the_ui_thread(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow],
        ui_thread_reads: list[str], tmp_path: Path) -> None:
    """New items by their shortcuts (shown at once, read back on a worker), undo and redo of
    typing and of a new item, and attaching and removing a file: the UI thread only writes."""
    learner_id = demo_learner_id(spec_store)
    visit = start_visit(spec_store, learner_id)
    assert visit.id is not None
    photo = tmp_path / "till.png"
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(0x336699)
    assert image.save(str(photo))
    window = make_window(spec_store)
    qtbot.waitUntil(lambda: window.learner_id == learner_id, timeout=WAIT_MS)
    settle(qtbot, window)
    window.open_visit(visit.id)
    vs = window.visit_screen
    settle(qtbot, window, vs)
    ui_thread_reads.clear()  # from here on: the actions under test

    press(window, "Ctrl+Shift+O")
    assert vs.detail is not None and vs.detail.item.kind == "observation"
    obs = vs.detail.item.id
    qtbot.keyClicks(vs.editor.text, "Greeted the customer.")
    settle(qtbot, vs)
    assert re.match(r"<b>OBS-\d+</b>", vs.editor.heading.text())  # read back: its reference
    press(window, "Ctrl+Shift+Q")
    settle(qtbot, vs)
    qa = vs.detail.item.id
    assert vs.detail.item.kind == "questioning" and vs.editor.qa_model.rowCount() == 1
    qtbot.keyClick(vs.editor.qa_table, Qt.Key.Key_Escape)
    press(window, "Ctrl+Return")  # a second question: shown from the edit, nothing re-read
    model = vs.editor.qa_model
    assert model.rowCount() == 2 and model.data(model.index(1, 0)) == "2"
    assert vs.editor.qa_table.currentIndex().row() == 1  # its question cell is open for typing
    first = model.row_id(0)
    vs.editor.qa_table.setCurrentIndex(model.index(0, 1))
    vs.remove_question()
    assert model.rowCount() == 1 and model.row_id(0) != first and model.data(model.index(0, 0)) == "1"
    assert [r.id for r in _stored_questions(spec_store, qa)] == [model.row_id(0)]
    press(window, "Ctrl+Z")  # the removed question comes back
    settle(qtbot, window, vs)
    assert model.rowCount() == 2 and model.row_id(0) == first
    press(window, "Ctrl+Z")  # the added one goes
    settle(qtbot, window, vs)
    assert model.rowCount() == 1 and len(_stored_questions(spec_store, qa)) == 1
    press(window, "Ctrl+Z")  # the questioning session goes
    settle(qtbot, window, vs)
    assert vs.evidence_model.row_of(qa) == -1
    press(window, "Ctrl+Y")  # and comes back
    settle(qtbot, window, vs)
    assert vs.evidence_model.row_of(qa) >= 0

    click_index(vs.evidence_list, vs.evidence_model.index(vs.evidence_model.row_of(obs)))
    settle(qtbot, vs)
    assert vs.detail is not None and vs.detail.item.id == obs
    vs.add_files([photo])
    settle(qtbot, vs)
    assert [a.filename for a in vs.detail.attachments] == ["till.png"]
    assert vs.attachments_model.rowCount() == 1
    vs.remove_attachment(vs.detail.attachments[0].id)
    settle(qtbot, vs)
    assert vs.attachments_model.rowCount() == 0
    press(window, "Ctrl+Z")  # the file comes back
    settle(qtbot, window, vs)
    assert vs.attachments_model.rowCount() == 1
    press(window, "Ctrl+Z")  # …and goes again (the attaching undone)
    press(window, "Ctrl+Z")  # the typing undone: the editor shows the stored (empty) text
    settle(qtbot, window, vs)
    assert vs.attachments_model.rowCount() == 0 and vs.editor.text.toPlainText() == ""
    assert ui_thread_reads == []


def test_unlock_and_signoff_dialog_name_the_assessor_without_reading_on_the_ui_thread(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow],
        ui_thread_reads: list[str]) -> None:
    """Unlocking a signed record and opening the sign-off dialog name the assessor from the
    window's copy of the profile (read on a worker when the store opened), not from a read on
    the UI thread; the unlock is recorded under that name."""
    from sqlmodel import select

    from assessor_app.setup.profile import AssessorProfile, save_profile
    from assessor_app.store.models import AuditEntry
    from tests.gui.test_locked_records import _answer_unlock, _open_signed_item

    save_profile(spec_store, AssessorProfile("Alex Morgan"))
    window, vs, demo, _qa_id = _open_signed_item(qtbot, make_window, spec_store, "QA-1")
    settle(qtbot, window, vs)
    ui_thread_reads.clear()  # from here on: the actions under test

    _answer_unlock(qtbot, "learner's answer to Q2 was mistyped")
    qtbot.mouseClick(vs.lock_badge.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not vs.lock_badge.isVisible(), timeout=WAIT_MS)
    settle(qtbot, window, vs)
    unit = next(u for u in window.overview_panel.units_model.units()
                if u.reference == "H/601/1232")  # the signed unit
    dialog = window.open_signoff(demo.learner_id, unit.unit_id)
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.content is not None, timeout=WAIT_MS)
    assert dialog.assessor.name.text() == "Alex Morgan"
    assert ui_thread_reads == []
    with spec_store.read_session() as s:
        unlock = s.exec(select(AuditEntry).where(AuditEntry.action == "evidence.unlock")).one()
    assert unlock.actor == "Alex Morgan"


def test_judging_a_signed_unit_names_its_signoffs_without_reading_on_the_ui_thread(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow],
        ui_thread_reads: list[str]) -> None:
    """The coverage matrix: judging a criterion of a signed unit is refused by the core; the
    sign-offs the Unlock dialog names are read on a worker, then the judgement is recorded."""
    from PySide6.QtWidgets import QLabel

    from assessor_app.demo.builder import build_demo
    from assessor_app.gui.dialogs.unlock_dialog import UnlockDialog
    from assessor_app.signoff.keys import load_or_create_identity
    from tests.gui.test_coverage_dialog import _criterion, _state

    demo = build_demo(spec_store, load_or_create_identity)
    assert demo is not None and demo.signoff_id is not None
    window = make_window(spec_store)
    window.select_learner(demo.learner_id)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=WAIT_MS)
    criterion = _criterion(spec_store, demo.learner_id, "H/601/1232", "2.3")
    window.show_coverage()
    view = window.coverage_dialog.view
    settle(qtbot, window, view)
    view.select_criterion(criterion)
    settle(qtbot, view)
    ui_thread_reads.clear()  # from here on: the action under test

    named: list[str] = []

    def answer(dlg: UnlockDialog) -> None:
        named.append(" ".join(w.text() for w in dlg.findChildren(QLabel)))
        qtbot.keyClicks(dlg.reason, "IQA asked for a second observation")
        qtbot.mouseClick(dlg.unlock_button, Qt.MouseButton.LeftButton)

    when_modal_shows(UnlockDialog, answer)
    qtbot.mouseClick(view.not_yet_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(named), timeout=WAIT_MS)
    settle(qtbot, window, view)
    assert ui_thread_reads == []
    assert f"sign-off {demo.signoff_id} (H/601/1232" in named[0]
    assert _state(spec_store, demo.learner_id, criterion) == "not_yet"
    window.coverage_dialog.close()
