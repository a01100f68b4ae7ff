"""Typing is saved after a short pause (one write per burst), at once on leaving the field, and
undone in bursts, not letter by letter."""

from __future__ import annotations

import time
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from assessor_app.demo.builder import demo_learner_id as create_demo_learner
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.store import Store
from assessor_app.store.models import EvidenceItem
from tests.gui.conftest import WAIT_MS, press, settle


def _stored_text(store: Store, evidence_id: int) -> str:
    with store.session() as s:
        return s.get(EvidenceItem, evidence_id).text


def _observation(qtbot: QtBot, store: Store, make_window: Callable[[Store], MainWindow]):
    learner_id = create_demo_learner(store)
    window = make_window(store)
    qtbot.waitUntil(lambda: window.learner_id == learner_id, timeout=WAIT_MS)
    press(window, "Ctrl+N")
    settle(qtbot, window)
    vs = window.visit_screen
    evidence_id = vs.new_evidence("observation")
    settle(qtbot, window)
    return window, vs, evidence_id


def test_typing_is_saved_after_a_pause(qtbot: QtBot, spec_store: Store,
                                       make_window: Callable[[Store], MainWindow]) -> None:
    """Nothing is written while keys are still coming; about 400 ms after the last key the
    whole text is saved in one write (one undo step)."""
    window, vs, eid = _observation(qtbot, spec_store, make_window)
    start = time.monotonic()
    qtbot.keyClicks(vs.editor.text, "Served three customers")
    assert vs.editor.fields["text"].pending
    assert _stored_text(spec_store, eid) == ""
    count_before = window.undo_stack.count()
    qtbot.waitUntil(lambda: _stored_text(spec_store, eid) == "Served three customers",
                    timeout=WAIT_MS)
    assert time.monotonic() - start >= 0.35
    assert window.undo_stack.count() == count_before + 1
    assert not vs.editor.fields["text"].pending


def test_leaving_the_field_saves_at_once(qtbot: QtBot, spec_store: Store,
                                         make_window: Callable[[Store], MainWindow]) -> None:
    """Tabbing out of the narrative flushes the pending save without waiting for the timer."""
    window, vs, eid = _observation(qtbot, spec_store, make_window)
    qtbot.keyClicks(vs.editor.text, "Checked the till")
    vs.picker.filter.setFocus()  # focus moves on
    assert _stored_text(spec_store, eid) == "Checked the till"


def test_closing_the_window_saves_pending_typing(qtbot: QtBot, spec_store: Store,
                                                 make_window: Callable[[Store], MainWindow]) -> None:
    window, vs, eid = _observation(qtbot, spec_store, make_window)
    qtbot.keyClicks(vs.editor.text, "Last words before closing")
    window.close()
    assert _stored_text(spec_store, eid) == "Last words before closing"


def test_undo_merges_a_burst_and_redo_restores(qtbot: QtBot, spec_store: Store,
                                               make_window: Callable[[Store], MainWindow]) -> None:
    """Two saves of the same field in a row are one undo step; redo puts the text back; the
    editor shows what is stored after each."""
    window, vs, eid = _observation(qtbot, spec_store, make_window)
    qtbot.keyClicks(vs.editor.text, "First part.")
    qtbot.waitUntil(lambda: _stored_text(spec_store, eid) == "First part.", timeout=WAIT_MS)
    qtbot.keyClicks(vs.editor.text, " Second part.")
    qtbot.waitUntil(lambda: _stored_text(spec_store, eid).endswith("Second part."),
                    timeout=WAIT_MS)
    press(window, "Ctrl+Z")
    assert _stored_text(spec_store, eid) == ""
    settle(qtbot, vs)  # the editor shows the stored item once it has been read back
    assert vs.editor.text.toPlainText() == ""
    press(window, "Ctrl+Y")
    assert _stored_text(spec_store, eid) == "First part. Second part."
    settle(qtbot, vs)
    assert vs.editor.text.toPlainText() == "First part. Second part."
    # Undoing past the typing removes the new observation itself (soft delete) from the list.
    window.undo()
    window.undo()
    settle(qtbot, window)
    assert vs.evidence_model.row_of(eid) == -1


def test_undo_of_a_mapping_restores_the_tick(qtbot: QtBot, spec_store: Store,
                                             make_window: Callable[[Store], MainWindow]) -> None:
    window, vs, eid = _observation(qtbot, spec_store, make_window)
    cid = vs.picker.model.criterion_ids()[0]
    vs.set_mapped(cid, True)
    assert vs.picker.model.checked() == {cid}
    press(window, "Ctrl+Z")
    settle(qtbot, vs)
    assert vs.picker.model.checked() == set()
    press(window, "Ctrl+Shift+Z")
    settle(qtbot, vs)
    assert vs.picker.model.checked() == {cid}
    assert vs.chips.labels() and vs.chips.labels()[0].endswith(
        vs.picker.model.criterion_label(cid).split()[0])
