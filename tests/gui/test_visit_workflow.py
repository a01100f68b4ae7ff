"""A whole workplace visit driven through the real widgets, then checked in the database and again
after reopening the app on the same file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlmodel import select

from assessor_app.evidence.coverage import learner_coverage
from assessor_app.gui.dialogs.close_visit_dialog import CloseVisitDialog
from assessor_app.gui.dialogs.learner_dialogs import EnrolDialog, NewLearnerDialog
from assessor_app.gui.models.coverage_model import STATE_ROLE
from assessor_app.gui.models.criteria_tree_model import ID_ROLE
from assessor_app.gui.models.progress import PROGRESS_ROLE
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.store import Store, open_store
from assessor_app.store.models import (
    Attachment,
    Enrolment,
    EvidenceCriterion,
    EvidenceItem,
    Learner,
    QuestionAnswer,
    Visit,
)
from tests.gui.conftest import (
    WAIT_MS,
    click,
    click_index,
    focused,
    has_focus,
    make_photo,
    press,
    settle,
    when_dialog_opens,
)

UNIT_A, UNIT_B = "K/503/8194", "H/601/1232"


def _ok(dialog: QDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    click(box.button(QDialogButtonBox.StandardButton.Ok))


def add_learner_through_dialog(qtbot: QtBot, window: MainWindow) -> None:
    def fill_learner(dialog: QDialog) -> None:
        assert isinstance(dialog, NewLearnerDialog)
        qtbot.keyClicks(dialog.name, "Priya Shah")
        qtbot.keyClicks(dialog.registration, "R1001")
        qtbot.keyClicks(dialog.employer, "Corner Shop")
        qtbot.keyClicks(dialog.line_manager, "Sam Lee")
        # Closing this dialog opens the enrolment dialog straight away.
        when_dialog_opens(qtbot, fill_enrolment)
        _ok(dialog)

    def fill_enrolment(dialog: QDialog) -> None:
        assert isinstance(dialog, EnrolDialog)
        for row in range(dialog.model.rowCount()):
            if dialog.model.item(row).data(Qt.ItemDataRole.UserRole) in (UNIT_A, UNIT_B):
                dialog.units.setCurrentIndex(dialog.model.index(row, 0))
                qtbot.keyClick(dialog.units, Qt.Key.Key_Space)
        _ok(dialog)

    when_dialog_opens(qtbot, fill_learner)
    qtbot.mouseClick(window.learner_panel.new_learner_button, Qt.MouseButton.LeftButton)


def tick_in_picker(qtbot: QtBot, window: MainWindow, words: str) -> int:
    """Type into the picker's filter (Ctrl+K) and press Enter to tick the first match."""
    picker = window.visit_screen.picker
    press(window, "Ctrl+K")
    assert has_focus(picker.filter)
    qtbot.keyClicks(picker.filter, words)
    target = picker.visible_criterion_ids()[0]
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    picker.filter.clear()
    return target


def drop_files(view, paths: list[Path]) -> None:  # noqa: ANN001
    """What a drag from the file manager delivers: enter, move, then drop, with file URLs."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(view.viewport().rect().center())
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(pos, *args)
    QApplication.sendEvent(view.viewport(), enter)
    assert enter.isAccepted()
    QApplication.sendEvent(view.viewport(), QDragMoveEvent(pos, *args))
    drop = QDropEvent(pos, *args)
    QApplication.sendEvent(view.viewport(), drop)
    assert drop.isAccepted()


def type_cell(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Type into the open Q/A cell editor and press Enter (commits, moves to the next cell)."""
    table = window.visit_screen.editor.qa_table
    qtbot.waitUntil(lambda: table.state() == table.State.EditingState, timeout=WAIT_MS)
    editor = focused(window)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_a_visit_from_new_learner_to_reopened_app(
    qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow], tmp_path: Path
) -> None:
    """An assessor adds a learner on two units, records an observation mapped to both units, a
    questioning session of three Q&As and a photo, sees coverage and progress change, judges a
    criterion met, undoes an edit, closes the visit, and finds it all after reopening the app."""
    window = make_window(spec_store)
    add_learner_through_dialog(qtbot, window)
    qtbot.waitUntil(lambda: window.overview is not None
                    and window.overview.learner.registration == "R1001"
                    and len(window.overview_panel.units_model.units()) == 2, timeout=WAIT_MS)
    learners = window.learner_panel.learner_model
    assert learners.data(learners.index(0)).startswith("Priya Shah")
    units = window.overview_panel.units_model
    before = {u.reference: units.data(units.index(i, 1), PROGRESS_ROLE)
              for i, u in enumerate(units.units())}
    assert all(p[0] == 0 and p[1] == 0 for p in before.values())

    obs_id, a_12, a_13, b_11 = _record_observation(qtbot, window, spec_store)
    vs = window.visit_screen

    # A photo dropped onto the attachments area.
    drop_files(vs.attachments, [make_photo(tmp_path / "shelf.png")])
    qtbot.waitUntil(lambda: vs.attachments_model.rowCount() == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: vs.attachments_model.has_thumbnail(
        vs.attachments_model.attachments()[0].sha256), timeout=WAIT_MS)

    _record_questioning(qtbot, window, spec_store)

    _judge_in_matrix(qtbot, window, a_12)

    # Undo the last typing: more text, saved, then Ctrl+Z brings the stored text back.
    vs.select_evidence(obs_id)
    settle(qtbot, vs)  # the item is read in the background
    vs.editor.text.setFocus()
    vs.editor.text.moveCursor(vs.editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(vs.editor.text, " Oops")
    qtbot.waitUntil(lambda: _item(spec_store, obs_id).text.endswith("Oops"), timeout=WAIT_MS)
    press(window, "Ctrl+Z")
    qtbot.waitUntil(lambda: _item(spec_store, obs_id).text.endswith("receipt."), timeout=WAIT_MS)
    settle(qtbot, vs)  # the editor shows the stored text once it has been read back
    assert vs.editor.text.toPlainText().endswith("receipt.")

    _close_visit(qtbot, window, b_11)
    window.close()
    spec_store.close()

    _check_reopened(qtbot, make_window, spec_store.db_path, obs_id, {a_12, a_13, b_11})


def _record_observation(qtbot: QtBot, window: MainWindow,
                        store: Store) -> tuple[int, int, int, int]:
    """Start the visit (Ctrl+N), record an observation and map three criteria to it."""
    press(window, "Ctrl+N")
    settle(qtbot, window)  # the visit is started on a worker, then shown
    vs = window.visit_screen
    assert window.pages.currentWidget() is vs
    press(window, "Ctrl+Shift+O")
    assert vs.detail is not None and vs.detail.item.kind == "observation"
    obs_id = vs.detail.item.id
    assert has_focus(vs.editor.text)
    qtbot.keyClicks(vs.editor.text, "Greeted the customer and checked the receipt.")
    qtbot.waitUntil(lambda: _item(store, obs_id).text.endswith("receipt."), timeout=WAIT_MS)

    a_12 = tick_in_picker(qtbot, window, f"{UNIT_A} 1.2")
    b_11 = tick_in_picker(qtbot, window, f"{UNIT_B} 1.1")
    # …and one more by selecting it in the tree and pressing Space, as a keyboard user would.
    vs.picker.select_criterion(a_12)
    vs.picker.step(1)
    a_13 = vs.picker.current_criterion_id()
    vs.picker.tree.setFocus()
    qtbot.keyClick(vs.picker.tree, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(vs.chips.labels()) == 3, timeout=WAIT_MS)
    settle(qtbot, vs)  # mappings are written on the write pool
    assert _mapped(store, obs_id) == {a_12, a_13, b_11}
    assert sorted(vs.chips.labels()) == sorted([f"{UNIT_A} 1.2", f"{UNIT_A} 1.3",
                                                f"{UNIT_B} 1.1"])

    return obs_id, a_12, a_13, b_11


def _record_questioning(qtbot: QtBot, window: MainWindow, store: Store) -> None:
    # A questioning session with three questions and answers (Ctrl+Shift+Q, Ctrl+Return).
    vs = window.visit_screen
    press(window, "Ctrl+Shift+Q")
    settle(qtbot, vs)  # its first question row is read back, then its cell opens for typing
    qa_id = vs.detail.item.id
    assert vs.detail.item.kind == "questioning"
    qas = [("Why ask for feedback?", "To improve the service."),
           ("What makes customers buy again?", "Quick, polite service."),
           ("How do you group customers?", "Commuters, families, older people.")]
    for i, (question, answer) in enumerate(qas):
        if i:
            qtbot.keyClick(focused(window), Qt.Key.Key_Escape)
            press(window, "Ctrl+Return")
        type_cell(qtbot, window, question)
        type_cell(qtbot, window, answer)
    qtbot.keyClick(focused(window), Qt.Key.Key_Escape)
    model = vs.editor.qa_model
    assert model.setData(model.index(1, 3), True)
    qtbot.waitUntil(lambda: _qas(store, qa_id) == [(q, a) for q, a in qas], timeout=WAIT_MS)
    assert [r.satisfied for r in _qa_rows(store, qa_id)] == [None, True, None]
    tick_in_picker(qtbot, window, f"{UNIT_A} 1.4")



def _judge_in_matrix(qtbot: QtBot, window: MainWindow, a_12: int) -> None:
    # Coverage changed: progress bars and the matrix (Ctrl+M) show the evidenced criteria.
    qtbot.waitUntil(lambda: _progress(window)[UNIT_A][1] == 3 and _progress(window)[UNIT_B][1] == 1,
                    timeout=WAIT_MS)
    press(window, "Ctrl+M")
    view = window.coverage_dialog.view
    settle(qtbot, view)
    index = view.model.find(a_12)
    assert view.model.data(index, STATE_ROLE) == "evidenced"
    assert view.model.data(index).startswith("◐")
    click_index(view.table, index)
    settle(qtbot, view)  # the cell's evidence is read in the background
    assert view.evidence_model.rowCount() == 1
    qtbot.mouseClick(view.met_button, Qt.MouseButton.LeftButton)
    settle(qtbot, view)
    assert view.model.data(view.model.find(a_12), STATE_ROLE) == "met"
    qtbot.waitUntil(lambda: _progress(window)[UNIT_A][0] == 1, timeout=WAIT_MS)
    window.coverage_dialog.close()



def _close_visit(qtbot: QtBot, window: MainWindow, b_11: int) -> None:
    # Close the visit: feedback, action plan and criteria for next time.
    def close_dialog(dialog: QDialog) -> None:
        assert isinstance(dialog, CloseVisitDialog)
        qtbot.keyClicks(dialog.feedback, "Good rapport with customers.")
        qtbot.keyClicks(dialog.action_plan, "Read the service plan.")
        dialog.targets.select_criterion(b_11)
        dialog.targets.step(1)
        dialog.targets.toggle_current()
        _ok(dialog)

    when_dialog_opens(qtbot, close_dialog)
    press(window, "Ctrl+Shift+F")
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.main_split, timeout=WAIT_MS)


def _check_reopened(qtbot: QtBot, make_window: Callable[[Store], MainWindow], db_path: Path,
                    obs_id: int, mapped: set[int]) -> None:
    # Reopen on the same file: database rows and widgets show everything.
    store2 = open_store(db_path)
    try:
        with store2.session() as s:
            learner = s.exec(select(Learner)).one()
            assert (learner.name, learner.employer, learner.line_manager) == \
                ("Priya Shah", "Corner Shop", "Sam Lee")
            assert len(s.exec(select(Enrolment)).all()) == 2
            visit = s.exec(select(Visit)).one()
            assert visit.status == "completed" and visit.feedback.startswith("Good rapport")
            assert len(s.exec(select(Attachment)).all()) == 1
            items = s.exec(select(EvidenceItem).order_by(EvidenceItem.id)).all()
            assert [i.kind for i in items] == ["observation", "questioning"]
            assert len(s.exec(select(QuestionAnswer)).all()) == 3
        cov = learner_coverage(store2, learner.id)
        assert cov.unit(UNIT_A).counts.met == 1 and cov.unit(UNIT_A).counts.evidenced == 2

        window2 = make_window(store2)
        qtbot.waitUntil(lambda: window2.overview is not None, timeout=WAIT_MS)
        assert window2.overview.learner.id == learner.id  # last learner remembered
        assert _progress(window2)[UNIT_A] == (1, 3, 17)
        visits = window2.overview_panel.visits_model.visits()
        assert len(visits) >= 1 and visits[-1].visit.status == "completed"
        window2.open_visit(visit.id)
        settle(qtbot, window2)
        vs2 = window2.visit_screen
        assert vs2.evidence_model.rowCount() == 2
        vs2.select_evidence(obs_id)
        settle(qtbot, vs2)  # the item is read in the background
        assert vs2.editor.text.toPlainText() == "Greeted the customer and checked the receipt."
        assert vs2.attachments_model.rowCount() == 1
        checked = {int(vs2.picker.model.index_for_criterion(c).data(ID_ROLE))
                   for c in vs2.picker.model.checked()}
        assert checked == mapped
        window2.close()
    finally:
        store2.close()


def _item(store: Store, evidence_id: int) -> EvidenceItem:
    with store.session() as s:
        item = s.get(EvidenceItem, evidence_id)
        assert item is not None
        return item


def _mapped(store: Store, evidence_id: int) -> set[int]:
    with store.session() as s:
        return set(s.exec(select(EvidenceCriterion.criterion_id)
                          .where(EvidenceCriterion.evidence_id == evidence_id)).all())


def _qa_rows(store: Store, evidence_id: int) -> list[QuestionAnswer]:
    with store.session() as s:
        return list(s.exec(select(QuestionAnswer).where(QuestionAnswer.evidence_id == evidence_id)
                           .order_by(QuestionAnswer.position)).all())


def _qas(store: Store, evidence_id: int) -> list[tuple[str, str]]:
    return [(r.question, r.answer) for r in _qa_rows(store, evidence_id)]


def _progress(window: MainWindow) -> dict[str, tuple[int, int, int]]:
    m = window.overview_panel.units_model
    return {u.reference: m.data(m.index(i, 1), PROGRESS_ROLE) for i, u in enumerate(m.units())}


