"""Locked records in the visit screen: signed evidence opens read-only under a lock badge; a
stray keystroke changes nothing; "Unlock…" names the sign-off, asks why, voids it (audited),
the old version still renders, and Undo says what it cannot restore."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlmodel import select

from assessor_app.demo.builder import DemoResult, build_demo
from assessor_app.ers.layout import render_ers
from assessor_app.ers.view import view_for_signoff
from assessor_app.evidence.items import list_evidence
from assessor_app.evidence.visits import list_visits
from assessor_app.gui.dialogs.unlock_dialog import UnlockDialog
from assessor_app.signoff.keys import load_or_create_identity
from assessor_app.store import Store
from assessor_app.store.models import AuditEntry, SignOff
from tests.ers.pdftext import pdf_text
from tests.gui.conftest import WAIT_MS, press, settle, when_modal_shows


def _open_signed_item(qtbot: QtBot, make_window, store: Store, ref: str):  # noqa: ANN001, ANN202
    demo: DemoResult = build_demo(store, load_or_create_identity)  # type: ignore[assignment]
    window = make_window(store)
    window.select_learner(demo.learner_id)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=WAIT_MS)
    first = list_visits(store, demo.learner_id)[0].visit
    assert first.status == "completed"
    window.open_visit(first.id)
    settle(qtbot, window)
    vs = window.visit_screen
    item = next(e for e in list_evidence(store, demo.learner_id) if e.ref == ref)
    vs.select_evidence(item.id)
    settle(qtbot, vs)  # the item is read in the background
    return window, vs, demo, item.id


def _status(store: Store, signoff_id: int) -> str:
    with store.read_session() as s:
        return s.get(SignOff, signoff_id).status  # type: ignore[union-attr]


def _answer_unlock(qtbot: QtBot, reason: str) -> None:
    """Fill in the modal Unlock dialog when it appears, as the assessor would."""
    def fill(dlg: UnlockDialog) -> None:
        assert "sign-off 1 (H/601/1232" in " ".join(w.text() for w in dlg.findChildren(QLabel))
        qtbot.keyClicks(dlg.reason, reason)
        qtbot.mouseClick(dlg.unlock_button, Qt.MouseButton.LeftButton)

    when_modal_shows(UnlockDialog, fill)


def test_signed_evidence_is_read_only_until_unlocked(qtbot: QtBot, spec_store: Store,
                                                     make_window) -> None:
    window, vs, demo, qa_id = _open_signed_item(qtbot, make_window, spec_store, "QA-1")
    assert vs.lock_badge.isVisible() and "sign-off 1" in vs.lock_badge.label.text()
    assert vs.editor.text.isReadOnly() and vs.editor.title.isReadOnly()
    assert not vs.editor.qa_table.isEnabled() and not vs.attach_button.isEnabled()
    assert "read-only" in vs.chips_label.text() and "×" not in vs.chips_label.text()
    before = vs.editor.text.toPlainText()
    vs.editor.text.setFocus()
    qtbot.keyClicks(vs.editor.text, "stray keystrokes")
    vs.flush()
    assert vs.editor.text.toPlainText() == before
    assert _status(spec_store, demo.signoff_id) == "signed"

    _answer_unlock(qtbot, "learner's answer to Q2 was mistyped")
    qtbot.mouseClick(vs.lock_badge.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _status(spec_store, demo.signoff_id) == "void", timeout=WAIT_MS)
    assert not vs.lock_badge.isVisible() and not vs.editor.text.isReadOnly()
    assert "Delete to remove" in vs.chips_label.text()
    assert "sign-off 1 is now void" in vs.banner.text()
    with spec_store.read_session() as s:
        so = s.get(SignOff, demo.signoff_id)
        assert "learner's answer to Q2 was mistyped" in so.void_reason  # type: ignore[union-attr]
        actions = [e.action for e in s.exec(select(AuditEntry)).all()]
        assert "evidence.unlock" in actions and "signoff.void" in actions
        old = pdf_text(render_ers(view_for_signoff(s, demo.signoff_id)))
    assert "Regulars are most of our takings" in old  # the signed version still renders

    vs.editor.text.setFocus()
    qtbot.keyClicks(vs.editor.text, "Answers checked with the learner.")
    vs.flush()
    qtbot.waitUntil(lambda: window.undo_stack.undoText() not in ("", "Unlock QA-1 (voided "
                                                                 "sign-off 1)"),
                    timeout=WAIT_MS)
    press(window, "Ctrl+Z")
    qtbot.waitUntil(lambda: vs.editor.text.toPlainText() == before, timeout=WAIT_MS)
    press(window, "Ctrl+Z")  # the unlock itself: it says what cannot come back
    qtbot.waitUntil(lambda: "cannot restore the voided sign-off" in vs.banner.text(),
                    timeout=WAIT_MS)
    assert _status(spec_store, demo.signoff_id) == "void"
