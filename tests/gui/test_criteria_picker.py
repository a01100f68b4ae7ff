"""The criteria picker: filter as you type on number, words or unit, full text on selection,
keyboard ticking, planned criteria highlighted, and chips that unmap."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor_app.demo.builder import demo_learner_id as create_demo_learner
from assessor_app.evidence.coverage import learner_coverage
from assessor_app.evidence.visits import current_visit, planned_criterion_ids
from assessor_app.gui.models.criteria_tree_model import FULL_TEXT_ROLE, KIND_ROLE
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.store import Store
from tests.gui.conftest import WAIT_MS, press, settle


def _visit_window(qtbot: QtBot, store: Store, make_window: Callable[[Store], MainWindow]):
    learner_id = create_demo_learner(store)
    window = make_window(store)
    qtbot.waitUntil(lambda: window.learner_id == learner_id and window.overview is not None,
                    timeout=WAIT_MS)
    press(window, "Ctrl+N")
    settle(qtbot, window)
    return window, learner_id


def _labels(picker) -> list[str]:  # noqa: ANN001
    return [picker.model.criterion_label(c) for c in picker.visible_criterion_ids()]


def test_filter_by_number_words_and_unit(qtbot: QtBot, spec_store: Store,
                                         make_window: Callable[[Store], MainWindow]) -> None:
    """Typing narrows the tree at once: a number finds that criterion in every unit, a unit
    reference plus a number finds one, and words match anywhere in the criterion text."""
    window, learner_id = _visit_window(qtbot, spec_store, make_window)
    picker = window.visit_screen.picker
    total = len(picker.visible_criterion_ids())
    assert total == learner_coverage(spec_store, learner_id).counts.total

    qtbot.keyClicks(picker.filter, "2.1")
    numbers = {picker.model.criterion_label(c).split()[0] for c in picker.visible_criterion_ids()}
    assert "2.1" in numbers and len(picker.visible_criterion_ids()) < total
    assert len([n for n in numbers if n == "2.1"]) == 1

    picker.filter.clear()
    qtbot.keyClicks(picker.filter, "K/503/8194 2.1")
    assert len(picker.visible_criterion_ids()) == 1

    picker.filter.clear()
    qtbot.keyClicks(picker.filter, "segmentation")
    labels = _labels(picker)
    assert labels and all("segmentation" in label.lower() for label in labels)

    picker.filter.clear()
    qtbot.keyClicks(picker.filter, "no such words anywhere")
    assert picker.visible_criterion_ids() == []
    picker.filter.clear()
    assert len(picker.visible_criterion_ids()) == total


def test_full_text_on_selection_and_hover(qtbot: QtBot, spec_store: Store,
                                          make_window: Callable[[Store], MainWindow]) -> None:
    """Long criteria are elided in the tree but shown whole in the detail label and tooltip."""
    window, _ = _visit_window(qtbot, spec_store, make_window)
    picker = window.visit_screen.picker
    longest = max(picker.model.criterion_ids(),
                  key=lambda c: len(picker.model.criterion_label(c)))
    picker.select_criterion(longest)
    full = picker.model.index_for_criterion(longest).data(FULL_TEXT_ROLE)
    text = full.split("\n", 1)[1]
    assert text in picker.detail.text()
    tooltip = picker.model.index_for_criterion(longest).data(Qt.ItemDataRole.ToolTipRole)
    assert text in tooltip


def test_planned_criteria_are_highlighted(qtbot: QtBot, spec_store: Store,
                                          make_window: Callable[[Store], MainWindow]) -> None:
    """The last visit's targets are this visit's plan: bold, tinted and labelled "planned"."""
    window, learner_id = _visit_window(qtbot, spec_store, make_window)
    visit = current_visit(spec_store, learner_id)
    planned = planned_criterion_ids(spec_store, visit.id)
    assert planned
    model = window.visit_screen.picker.model
    assert model.criterion_ids()
    for cid in model.criterion_ids():
        index = model.index_for_criterion(cid)
        shown = index.data(Qt.ItemDataRole.DisplayRole)
        assert ("planned" in shown) == (cid in planned)
        assert (index.data(Qt.ItemDataRole.BackgroundRole) is not None) == (cid in planned)


def test_keyboard_ticking_and_chip_removal(qtbot: QtBot, spec_store: Store,
                                           make_window: Callable[[Store], MainWindow]) -> None:
    """F8 walks criteria, Ctrl+T ticks; a chip's × and the Delete key both unmap."""
    window, _ = _visit_window(qtbot, spec_store, make_window)
    vs = window.visit_screen
    vs.new_evidence("observation")
    settle(qtbot, window)
    press(window, "F8")
    first = vs.picker.current_criterion_id()
    assert vs.picker.tree.currentIndex().data(KIND_ROLE) == "criterion"
    press(window, "Ctrl+T")
    press(window, "F8")
    second = vs.picker.current_criterion_id()
    press(window, "Ctrl+T")
    assert vs.picker.model.checked() == {first, second}
    assert len(vs.chips.labels()) == 2

    vs.chips.doItemsLayout()
    qtbot.mouseClick(vs.chips.viewport(), Qt.MouseButton.LeftButton,
                     pos=vs.chips.close_button_pos(0))
    assert len(vs.chips.labels()) == 1
    vs.chips.setCurrentIndex(vs.chips.model().index(0, 0))
    qtbot.keyClick(vs.chips, Qt.Key.Key_Delete)
    assert vs.chips.labels() == []
    assert vs.picker.model.checked() == set()
    assert vs.detail is not None and vs.detail.criteria == []


def test_space_on_a_focused_row_ticks_it(qtbot: QtBot, spec_store: Store,
                                         make_window: Callable[[Store], MainWindow]) -> None:
    """Walking the tree with the arrow keys and pressing Space ticks the row (and Space again
    unticks it); nothing is typed into the filter box."""
    window, _ = _visit_window(qtbot, spec_store, make_window)
    vs = window.visit_screen
    vs.new_evidence("observation")
    settle(qtbot, window)
    picker = vs.picker
    picker.tree.setFocus()
    qtbot.waitUntil(picker.tree.hasFocus, timeout=WAIT_MS)
    picker.select_criterion(picker.model.criterion_ids()[1])
    qtbot.keyClick(picker.tree, Qt.Key.Key_Down)
    target = picker.current_criterion_id()
    assert target is not None and target != picker.model.criterion_ids()[1]

    qtbot.keyClick(picker.tree, Qt.Key.Key_Space)
    assert picker.model.checked() == {target}
    assert picker.filter.text() == ""
    settle(qtbot, vs)
    assert vs.detail is not None and [m.criterion_id for m in vs.detail.criteria] == [target]
    qtbot.keyClick(picker.tree, Qt.Key.Key_Space)
    assert picker.model.checked() == set()
    settle(qtbot, vs)
    assert vs.detail.criteria == []

    # From the filter box (Ctrl+3): words keep their spaces; after Down, Space ticks the row.
    press(window, "Ctrl+3")
    qtbot.keyClicks(picker.filter, "K/503/8194 2")
    assert picker.filter.text() == "K/503/8194 2"
    qtbot.keyClick(picker.filter, Qt.Key.Key_Down)
    on_row = picker.current_criterion_id()
    assert on_row in picker.visible_criterion_ids()
    qtbot.keyClick(picker.filter, Qt.Key.Key_Space)
    assert picker.filter.text() == "K/503/8194 2"
    assert picker.model.checked() == {on_row}
    settle(qtbot, vs)
    assert [m.criterion_id for m in vs.detail.criteria] == [on_row]
