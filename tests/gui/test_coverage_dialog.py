"""The coverage dialog: Ctrl+Z undoes a judgement right there, its error banner goes when it
closes, the matrix wraps criteria instead of scrolling sideways, and judging a signed unit takes
an explicit Unlock naming the sign-off."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor_app.demo.builder import build_demo
from assessor_app.evidence.judgements import current_judgement
from assessor_app.evidence.refs import CriterionRef, resolve_criteria
from assessor_app.gui.dialogs.unlock_dialog import UnlockDialog
from assessor_app.signoff.keys import load_or_create_identity
from assessor_app.store import Store
from assessor_app.store.models import SignOff
from tests.gui.conftest import WAIT_MS, press, settle, when_modal_shows


def _criterion(store: Store, learner_id: int, unit: str, number: str) -> int:
    with store.read_session() as s:
        return resolve_criteria(s, learner_id, [CriterionRef(unit, number)])[0]


def _state(store: Store, learner_id: int, criterion_id: int) -> str | None:
    with store.read_session() as s:
        j = current_judgement(s, learner_id, criterion_id)
        return j.state if j else None


def test_undo_wrap_banner_and_unlock(qtbot: QtBot, spec_store: Store, make_window) -> None:
    demo = build_demo(spec_store, load_or_create_identity)
    assert demo is not None and demo.signoff_id is not None
    window = make_window(spec_store)
    window.select_learner(demo.learner_id)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=WAIT_MS)
    window.show_coverage()
    dialog = window.coverage_dialog
    view = dialog.view
    dialog.resize(560, 480)
    settle(qtbot, view)
    qtbot.waitUntil(lambda: view.model.rowCount() > 3, timeout=WAIT_MS)
    assert view.table.horizontalScrollBar().maximum() == 0  # wrapped, not scrolled sideways

    k11 = _criterion(spec_store, demo.learner_id, "K/503/8194", "1.1")
    view.select_criterion(k11)
    qtbot.mouseClick(view.met_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _state(spec_store, demo.learner_id, k11) == "met", timeout=WAIT_MS)
    press(dialog, "Ctrl+Z")
    qtbot.waitUntil(lambda: _state(spec_store, demo.learner_id, k11) != "met", timeout=WAIT_MS)

    view.banner.show_error("something went wrong")
    dialog.close()
    assert not view.banner.isVisible() and view.banner.isHidden()

    window.show_coverage()
    h23 = _criterion(spec_store, demo.learner_id, "H/601/1232", "2.3")
    view.select_criterion(h23)
    seen: list[str] = []

    def answer(dlg: UnlockDialog) -> None:
        seen.append(dlg.windowTitle())
        qtbot.keyClicks(dlg.reason, "IQA: 2.3 needs a second observation")
        qtbot.mouseClick(dlg.unlock_button, Qt.MouseButton.LeftButton)

    when_modal_shows(UnlockDialog, answer)
    qtbot.mouseClick(view.not_yet_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _state(spec_store, demo.learner_id, h23) == "not_yet",
                    timeout=WAIT_MS)
    assert seen == ["Unlock signed record"]
    with spec_store.read_session() as s:
        so = s.get(SignOff, demo.signoff_id)
        assert so is not None and so.status == "void"
        assert "IQA: 2.3 needs a second observation" in so.void_reason
    dialog.close()
