"""Product evidence, professional discussion and learner statement recorded in the visit screen,
through their shortcuts and the New evidence menu, as an assessor would; checked in the database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlmodel import select

from assessor_app.evidence.learners import add_learner, enrol
from assessor_app.gui.models.evidence_list_model import KIND_ROLE
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.store import Store
from assessor_app.store.models import Attachment, EvidenceCriterion, EvidenceItem
from tests.gui.conftest import (
    WAIT_MS,
    has_focus,
    make_photo,
    press,
    settle,
    shortcut_actions,
)
from tests.gui.test_visit_workflow import drop_files, tick_in_picker

UNIT = "K/503/8194"

# key, kind, reference prefix, label over the text box, what the assessor types, criterion
NEW_KINDS = [
    ("Ctrl+Shift+P", "product", "PE", "Description of the work product",
     "Customer feedback log for March, kept by the learner.", "1.4"),
    ("Ctrl+Shift+D", "discussion", "PD", "Discussion record",
     "We discussed how she groups customers: commuters, families, regulars.", "1.2"),
    ("Ctrl+Shift+T", "statement", "LS", "Learner's statement",
     "I always ask regulars how their week was, so they feel welcome.", "2.1"),
]


def _visit(qtbot: QtBot, store: Store, make_window: Callable[[Store], MainWindow]) -> MainWindow:
    learner = add_learner(store, "Priya Shah", "R1001", employer="Corner Shop")
    enrol(store, learner.id, UNIT)
    window = make_window(store)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=WAIT_MS)
    press(window, "Ctrl+N")
    settle(qtbot, window)  # the visit is started on a worker, then shown
    assert window.pages.currentWidget() is window.visit_screen
    return window


def _item(store: Store, evidence_id: int) -> EvidenceItem:
    with store.session() as s:
        item = s.get(EvidenceItem, evidence_id)
        assert item is not None
        return item


def _mapped_numbers(window: MainWindow, store: Store, evidence_id: int) -> set[str]:
    picker = window.visit_screen.picker.model
    with store.session() as s:
        ids = s.exec(select(EvidenceCriterion.criterion_id)
                     .where(EvidenceCriterion.evidence_id == evidence_id)).all()
    return {picker.criterion_label(cid).split("  ", 1)[0] for cid in ids}


def test_each_new_kind_by_its_shortcut(qtbot: QtBot, spec_store: Store,
                                       make_window: Callable[[Store], MainWindow],
                                       tmp_path: Path) -> None:
    """Ctrl+Shift+P / D / T start product evidence, a professional discussion and a learner
    statement: the editor shows that kind's fields, typing is saved, a criterion ticked in the
    picker is mapped, and the list shows each with its kind code."""
    window = _visit(qtbot, spec_store, make_window)
    vs = window.visit_screen
    ids: dict[str, int] = {}
    for key, kind, code, label, text, criterion in NEW_KINDS:
        press(window, key)
        assert vs.detail is not None and vs.detail.item.kind == kind
        eid = ids[kind] = vs.detail.item.id
        editor = vs.editor
        assert editor.text_label.text() == label
        assert has_focus(editor.text)  # ready to type straight away
        # Discussion is timed like an observation (start filled in); the others are not.
        assert editor.form.isRowVisible(editor.times) is (kind == "discussion")
        assert bool(vs.detail.item.start_time) is (kind == "discussion")
        assert not editor.form.isRowVisible(editor.witness_name)
        assert not editor.qa_box.isVisible()
        qtbot.keyClicks(editor.text, text)
        qtbot.waitUntil(lambda e=eid, t=text: _item(spec_store, e).text == t, timeout=WAIT_MS)
        tick_in_picker(qtbot, window, f"{UNIT} {criterion}")
        qtbot.waitUntil(lambda e=eid, c=criterion: _mapped_numbers(window, spec_store, e) == {c},
                        timeout=WAIT_MS)
        settle(qtbot, window)
        row = vs.evidence_model.row_of(eid)
        shown = vs.evidence_model.index(row)
        assert shown.data().startswith(f"{code}-1 ")
        assert text in shown.data()
        assert shown.data(KIND_ROLE) == kind
        assert editor.heading.text().startswith(f"<b>{code}-1</b>")

    # Product evidence: its photos are the point, so the attachments get the room.
    vs.select_evidence(ids["product"])
    settle(qtbot, vs)  # the item is read in the background
    assert vs.attachments.maximumHeight() > 2 * vs._one_row
    assert vs.attachments.minimumHeight() >= vs._one_row
    assert "work product" in vs.attachments_label.text()
    vs.editor.text.setFocus()
    vs.editor.text.moveCursor(vs.editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(vs.editor.text, " Two pages.")
    drop_files(vs.attachments, [make_photo(tmp_path / "log.png")])
    qtbot.waitUntil(lambda: vs.attachments_model.rowCount() == 1, timeout=WAIT_MS)
    # What was typed just before the drop is kept, not replaced by the reload after attaching.
    assert vs.editor.text.toPlainText().endswith("Two pages.")
    assert _item(spec_store, ids["product"]).text.endswith("Two pages.")
    with spec_store.session() as s:
        assert s.exec(select(Attachment.evidence_id)).all() == [ids["product"]]
    vs.select_evidence(ids["statement"])
    settle(qtbot, vs)  # the item is read in the background
    assert vs.attachments.maximumHeight() <= vs._one_row  # other kinds: one row of thumbnails

    with spec_store.session() as s:
        items = s.exec(select(EvidenceItem).order_by(EvidenceItem.id)).all()
    assert [(i.kind, i.deleted) for i in items] == [
        ("product", False), ("discussion", False), ("statement", False)]

    # Ctrl+Z undoes the last step, the photo, and goes back to the product to show it.
    press(window, "Ctrl+Z")
    settle(qtbot, vs)  # the item the undo touched is shown once read
    assert vs.detail is not None and vs.detail.item.id == ids["product"]
    assert vs.attachments_model.rowCount() == 0
    with spec_store.session() as s:
        assert s.exec(select(Attachment.evidence_id)).all() == []


def test_new_evidence_menu_lists_all_six_kinds(qtbot: QtBot, spec_store: Store,
                                               make_window: Callable[[Store], MainWindow]) -> None:
    """The New evidence button's menu offers every kind with its shortcut; choosing one creates
    it; no two window actions share a shortcut; F1 lists the new ones; they are off outside a
    visit."""
    window = _visit(qtbot, spec_store, make_window)
    vs = window.visit_screen
    menu = vs.new_button.menu()
    assert [a.text().replace("&", "") for a in menu.actions()] == [
        "New observation", "New questioning", "New witness testimony", "New product evidence",
        "New professional discussion", "New learner statement"]
    assert [a.shortcut().toString() for a in menu.actions()] == [
        "Ctrl+Shift+O", "Ctrl+Shift+Q", "Ctrl+Shift+W", "Ctrl+Shift+P", "Ctrl+Shift+D",
        "Ctrl+Shift+T"]
    assert all(not a.icon().isNull() for a in menu.actions())
    statement = menu.actions()[5]
    # The menu as the button shows it (a QToolButton would run it in a nested loop), then a
    # mouse click on "New learner statement".
    menu.popup(vs.new_button.mapToGlobal(vs.new_button.rect().bottomLeft()))
    qtbot.waitUntil(menu.isVisible, timeout=WAIT_MS)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(statement).center())
    assert vs.detail is not None and vs.detail.item.kind == "statement"
    settle(qtbot, window)
    assert vs.evidence_model.index(0).data().startswith("LS-1 ")

    keys: dict[str, str] = {}
    for action in window.actions():
        for seq in action.shortcuts():
            combo = seq.toString(QKeySequence.SequenceFormat.PortableText)
            assert combo not in keys, f"{combo} used by {keys.get(combo)} and {action.text()}"
            keys[combo] = action.text()
    assert keys["Ctrl+4"].replace("&", "") == "Go to evidence requirements"

    press(window, "F1")
    box = next(w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.isVisible())
    for name, combo in (("New product evidence", "Ctrl+Shift+P"),
                        ("New professional discussion", "Ctrl+Shift+D"),
                        ("New learner statement", "Ctrl+Shift+T"),
                        ("Go to evidence requirements", "Ctrl+4")):
        assert f"<td>{name}</td><td>&nbsp;&nbsp;<b>{combo}</b></td>" in box.text()
    box.close()

    # Back on the learner page the visit-only shortcuts do nothing.
    press(window, "Alt+Left")
    actions = window.main_actions
    assert not actions.act_new_pe.isEnabled() and not actions.act_focus_reqs.isEnabled()
    assert shortcut_actions(window, "Ctrl+Shift+P") == []
    with spec_store.session() as s:
        assert [i.kind for i in s.exec(select(EvidenceItem)).all()] == ["statement"]
