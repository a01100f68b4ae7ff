"""Evidence requirements (beyond criteria) ticked against evidence items in the visit screen, seen
in the coverage matrix and the core's coverage, and undone with Ctrl+Z.

Screenshots (docs/screenshots/visit_requirements.png, visit_product.png): set
ASSESSOR_APP_SCREENSHOTS=1 to refresh the files in docs/; otherwise they go to a temp dir and the
test still checks that they render with something on them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot
from sqlmodel import select

from assessor_app.demo.builder import demo_learner_id
from assessor_app.evidence.coverage import learner_coverage
from assessor_app.evidence.items import list_evidence
from assessor_app.evidence.learners import add_learner, enrol
from assessor_app.evidence.requirements import requirement_by_key, tick_requirement
from assessor_app.gui.models.coverage_model import STATE_ROLE
from assessor_app.gui.models.requirements_model import (
    ELSEWHERE_COL,
    ID_ROLE,
    KEY_ROLE,
    KIND_ROLE,
)
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.store import Store
from assessor_app.store.models import EvidenceRequirement, EvidenceRequirementTick
from tests.gui.conftest import WAIT_MS, click_index, has_focus, make_photo, press, settle
from tests.gui.test_visit_workflow import drop_files, tick_in_picker

UNIT = "L/601/1239"  # states requirements 1–6; 4 and 6 are headings for 4a–4d and 6a–6d
PLAIN_UNIT = "K/503/8194"  # states none
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _learner(store: Store, *units: str) -> int:
    learner = add_learner(store, "Tom Okafor", "R2002", employer="High Street Bank")
    for unit in units:
        enrol(store, learner.id, unit)
    return learner.id


def _start_visit(qtbot: QtBot, window: MainWindow, learner_id: int) -> None:
    qtbot.waitUntil(lambda: window.overview is not None
                    and window.overview.learner.id == learner_id, timeout=WAIT_MS)
    press(window, "Ctrl+N")
    settle(qtbot, window)  # the visit is started (or resumed) on a worker
    assert window.pages.currentWidget() is window.visit_screen


def _ticks(store: Store) -> set[tuple[str, int]]:
    with store.session() as s:
        rows = s.exec(select(EvidenceRequirement.key, EvidenceRequirementTick.evidence_id)
                      .join(EvidenceRequirementTick, EvidenceRequirementTick.requirement_id
                            == EvidenceRequirement.id)).all()
    return {(k, e) for k, e in rows}


def _checked(window: MainWindow, key: str) -> bool:
    idx = window.visit_screen.requirements.model.index_for_key(UNIT, key)
    assert idx.isValid(), key
    return idx.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked


def _walk_to(qtbot: QtBot, window: MainWindow, key: str) -> None:
    """Arrow down the requirements tree until `key` is the current row, as a keyboard user."""
    tree = window.visit_screen.requirements.tree
    if tree.currentIndex().data(KEY_ROLE) != key:
        qtbot.keyClick(tree, Qt.Key.Key_Home)
    for _ in range(40):
        if tree.currentIndex().data(KEY_ROLE) == key:
            return
        qtbot.keyClick(tree, Qt.Key.Key_Down)
    raise AssertionError(f"requirement {key} not reachable with the arrow keys")


def _click_box(qtbot: QtBot, window: MainWindow, key: str) -> None:
    """Click the tick box of requirement `key` with the mouse."""
    tree = window.visit_screen.requirements.tree
    idx = window.visit_screen.requirements.model.index_for_key(UNIT, key)
    tree.scrollTo(idx)
    rect = tree.visualRect(idx)
    box = tree.style().pixelMetric(tree.style().PixelMetric.PM_IndicatorWidth)
    pos = QPoint(rect.left() + 3 + box // 2, rect.center().y())
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_tick_requirements_see_coverage_and_undo(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    """An assessor records an observation, ticks 4a (keyboard) and 6b (mouse) in the panel; the
    coverage matrix and the core's coverage show both; Ctrl+Z clears 6b in the panel and the
    database, Ctrl+Shift+Z puts it back; a second item shows 4a as ticked by the first."""
    learner_id = _learner(spec_store, PLAIN_UNIT, UNIT)
    window = make_window(spec_store)
    _start_visit(qtbot, window, learner_id)
    vs = window.visit_screen
    press(window, "Ctrl+Shift+O")
    obs_id = vs.detail.item.id
    qtbot.keyClicks(vs.editor.text, "Welcomed a new customer and set up her account.")
    assert vs.side_tabs.isTabEnabled(1)
    assert vs.side_tabs.tabText(1) == "Requirements 0/12"

    # Ctrl+4: the requirements tab, focus in its tree on the first requirement.
    press(window, "Ctrl+4")
    assert vs.side_tabs.currentWidget() is vs.requirements
    assert has_focus(vs.requirements.tree)
    assert vs.requirements.tree.currentIndex().data(KEY_ROLE) == "1"
    # Only the unit with requirements is listed; keys nest 4 → 4a…4d.
    model = vs.requirements.model
    assert model.rowCount() == 1
    four = model.index_for_key(UNIT, "4")
    assert [model.index(r, 0, four).data(KEY_ROLE) for r in range(model.rowCount(four))] == \
        ["4a", "4b", "4c", "4d"]
    unit_row = model.index(0, 0)
    assert [model.index(r, 0, unit_row).data(KEY_ROLE) for r in range(model.rowCount(unit_row))] \
        == ["1", "2", "3", "4", "5", "6"]

    _walk_to(qtbot, window, "4a")
    qtbot.keyClick(vs.requirements.tree, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: _checked(window, "4a"), timeout=WAIT_MS)
    assert "potential or new customers" in vs.requirements.detail.text()
    assert "Ticked for this evidence" in vs.requirements.detail.text()
    _click_box(qtbot, window, "6b")
    qtbot.waitUntil(lambda: _checked(window, "6b"), timeout=WAIT_MS)
    assert not _checked(window, "6a")
    settle(qtbot, window)

    assert _ticks(spec_store) == {("4a", obs_id), ("6b", obs_id)}
    reqs = {r.key: r for r in learner_coverage(spec_store, learner_id).unit(UNIT).requirements}
    assert {k for k, r in reqs.items() if r.ticked} == {"4a", "6b"}
    assert reqs["4a"].evidence_ids == (obs_id,)
    assert vs.side_tabs.tabText(1) == "Requirements 2/12"
    assert "L/601/1239 4a, L/601/1239 6b" in vs.ticks_label.text()
    # The typed narrative was saved with the tick (the editor is flushed first).
    assert vs.detail.item.text.startswith("Welcomed a new customer")

    _check_matrix_shows_ticks(qtbot, window)

    # Ctrl+Z takes back the last tick (6b) in the panel and the database; redo restores it.
    press(window, "Ctrl+Z")
    qtbot.waitUntil(lambda: not _checked(window, "6b"), timeout=WAIT_MS)
    settle(qtbot, window)
    assert _checked(window, "4a")
    assert _ticks(spec_store) == {("4a", obs_id)}
    assert vs.side_tabs.tabText(1) == "Requirements 1/12"
    press(window, "Ctrl+M")
    qtbot.waitUntil(lambda: window.coverage_dialog.isVisible(), timeout=WAIT_MS)
    settle(qtbot, window)
    assert window.coverage_dialog.view.model.find_key(UNIT, "6b").data() == "○ 6b"
    assert window.coverage_dialog.view.model.find_key(UNIT, "6b").data(STATE_ROLE) == \
        "not_ticked"
    window.coverage_dialog.close()
    press(window, "Ctrl+Shift+Z")
    qtbot.waitUntil(lambda: _checked(window, "6b"), timeout=WAIT_MS)
    assert _ticks(spec_store) == {("4a", obs_id), ("6b", obs_id)}

    # A second item: its boxes are clear, and 4a says the observation already ticks it.
    press(window, "Ctrl+Shift+W")
    assert vs.detail.item.kind == "witness"
    settle(qtbot, window)
    assert not _checked(window, "4a")
    four_a = model.index_for_key(UNIT, "4a").siblingAtColumn(ELSEWHERE_COL)
    assert four_a.data() == "✓ OBS-1"
    assert model.index_for_key(UNIT, "4b").siblingAtColumn(ELSEWHERE_COL).data() == "○ none"


def _check_matrix_shows_ticks(qtbot: QtBot, window: MainWindow) -> None:
    """The coverage matrix (Ctrl+M) has a requirements row: ✓ ticked, ○ not yet, in text."""
    press(window, "Ctrl+M")
    qtbot.waitUntil(lambda: window.coverage_dialog is not None
                    and window.coverage_dialog.isVisible(), timeout=WAIT_MS)
    settle(qtbot, window)
    view = window.coverage_dialog.view
    assert view.model.find_key(UNIT, "4a").data() == "✓ 4a"
    assert view.model.find_key(UNIT, "6b").data() == "✓ 6b"
    assert view.model.find_key(UNIT, "4b").data() == "○ 4b"
    assert view.model.find_key(PLAIN_UNIT, "4a").isValid() is False
    assert view.model.find_key(UNIT, "4").isValid() is False  # a heading has no cell
    assert "relationships with: potential or new customers" in \
        view.model.find_key(UNIT, "4a").data(Qt.ItemDataRole.ToolTipRole)
    idx = view.model.find_key(UNIT, "6b")
    assert view.model.headerData(idx.row(), Qt.Orientation.Vertical).endswith("requirements 2/12")
    click_index(view.table, idx)
    settle(qtbot, view)  # the cell's evidence is read in the background
    assert view.evidence_model.rowCount() == 1
    assert "quantitative" in view.detail.text() and "Ticked by 1 piece" in view.detail.text()
    assert not view.met_button.isEnabled()  # requirements are ticked, not judged
    window.coverage_dialog.close()


def test_no_requirements_and_no_item_are_explained(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    """A learner whose units state no requirements gets a disabled tab and a plain message on
    Ctrl+4; with no evidence selected the boxes cannot be ticked and say why."""
    learner_id = _learner(spec_store, PLAIN_UNIT)
    window = make_window(spec_store)
    _start_visit(qtbot, window, learner_id)
    vs = window.visit_screen
    assert not vs.side_tabs.isTabEnabled(1)
    press(window, "Ctrl+4")
    assert vs.banner.isVisible()
    assert "state evidence requirements" in vs.banner.text()
    assert vs.side_tabs.currentWidget() is vs.picker
    window.close()

    other = _learner_on(spec_store, "R3003", UNIT)
    window2 = make_window(spec_store)
    window2.select_learner(other)
    _start_visit(qtbot, window2, other)
    vs2 = window2.visit_screen
    assert vs2.detail is None  # a new visit: nothing recorded yet
    press(window2, "Ctrl+4")
    idx = vs2.requirements.tree.currentIndex()
    assert not vs2.requirements.model.flags(idx) & Qt.ItemFlag.ItemIsUserCheckable
    qtbot.keyClick(vs2.requirements.tree, Qt.Key.Key_Space)
    assert _ticks(spec_store) == set()
    assert "Select an evidence item to tick it" in vs2.requirements.detail.text()
    vs2.set_requirement(int(idx.data(ID_ROLE)), True)  # as if the box had been enabled
    assert "Select or start a piece of evidence first" in vs2.banner.text()


def test_group_heading_is_a_bold_parent_without_a_box(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    """Requirement 4 ("… build and maintain relationships with:") heads 4a–4d: it has no box,
    reads in bold, Space on it ticks nothing, and it says to tick its items instead."""
    learner_id = _learner(spec_store, UNIT)
    window = make_window(spec_store)
    _start_visit(qtbot, window, learner_id)
    vs = window.visit_screen
    press(window, "Ctrl+Shift+O")
    assert vs.side_tabs.tabText(1) == "Requirements 0/12"
    press(window, "Ctrl+4")
    model = vs.requirements.model
    for key, items in (("4", ["4a", "4b", "4c", "4d"]), ("6", ["6a", "6b", "6c", "6d"])):
        group = model.index_for_key(UNIT, key)
        assert group.data(KIND_ROLE) == "group"
        assert not model.flags(group) & Qt.ItemFlag.ItemIsUserCheckable
        assert group.data(Qt.ItemDataRole.CheckStateRole) is None
        assert group.data(Qt.ItemDataRole.FontRole).bold()
        assert [model.index(r, 0, group).data(KEY_ROLE)
                for r in range(model.rowCount(group))] == items
        assert all(model.flags(model.index(r, 0, group)) & Qt.ItemFlag.ItemIsUserCheckable
                   for r in range(model.rowCount(group)))
    assert model.counts() == (0, 12)
    assert model.index(0, ELSEWHERE_COL).data() == "0 of 12 ticked"

    _walk_to(qtbot, window, "4")
    assert "tick its items (4a, 4b, 4c, 4d)" in vs.requirements.detail.text()
    qtbot.keyClick(vs.requirements.tree, Qt.Key.Key_Space)
    assert model.setData(model.index_for_key(UNIT, "4"), True,
                         Qt.ItemDataRole.CheckStateRole) is False
    assert _ticks(spec_store) == set()
    # Even asked directly, the core refuses and the banner says why in plain English.
    vs.set_requirement(int(model.index_for_key(UNIT, "4").data(ID_ROLE)), True)
    assert "is a heading, not a checklist item" in vs.banner.text()
    assert _ticks(spec_store) == set()

    _walk_to(qtbot, window, "4b")
    qtbot.keyClick(vs.requirements.tree, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: _checked(window, "4b"), timeout=WAIT_MS)
    settle(qtbot, window)
    assert vs.side_tabs.tabText(1) == "Requirements 1/12"
    assert model.index_for_key(UNIT, "4").siblingAtColumn(ELSEWHERE_COL).data() == \
        "1 of 4 ticked"


def _learner_on(store: Store, registration: str, unit: str) -> int:
    learner = add_learner(store, "Ana Silva", registration)
    enrol(store, learner.id, unit)
    return learner.id


def _save(widget, path: Path) -> QImage:  # noqa: ANN001
    image = widget.grab().toImage()
    assert image.save(str(path))
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 3, path.name
    return image


def test_screenshots(qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow],
                     tmp_path: Path) -> None:
    """The visit screen at 1366×768 with the requirements tab open, and with a product item
    and its photos."""
    out = DOCS if os.environ.get("ASSESSOR_APP_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    learner_id = demo_learner_id(spec_store)
    # An earlier item already ticks 5 and 6a: the panel names it in "Other evidence".
    earlier = list_evidence(spec_store, learner_id)[0].id
    for key in ("5", "6a"):
        with spec_store.session() as s:
            requirement_id = requirement_by_key(s, learner_id, UNIT, key)
        tick_requirement(spec_store, earlier, requirement_id)
    window = make_window(spec_store)
    _start_visit(qtbot, window, learner_id)
    vs = window.visit_screen
    press(window, "Ctrl+Shift+O")
    qtbot.keyClicks(vs.editor.text, "Priya greeted a first-time customer, explained the loyalty "
                                    "card and asked how she had heard of the shop. Later she "
                                    "dealt with a regular whose order had been delayed, "
                                    "apologised and arranged delivery.")
    tick_in_picker(qtbot, window, f"{UNIT} 1.1")
    tick_in_picker(qtbot, window, f"{UNIT} 2.1")
    press(window, "Ctrl+4")
    for key in ("4a", "4b", "4d", "6d"):
        _walk_to(qtbot, window, key)
        qtbot.keyClick(vs.requirements.tree, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda k=key: _checked(window, k), timeout=WAIT_MS)
    _walk_to(qtbot, window, "4c")
    settle(qtbot, window)
    assert window.size().width() == 1366 and window.size().height() == 768
    _save(window, out / "visit_requirements.png")

    press(window, "Ctrl+Shift+P")
    assert vs.detail.item.kind == "product"
    qtbot.keyClicks(vs.editor.title, "Customer feedback log, March")
    qtbot.keyClicks(vs.editor.text, "Priya's own log of customer comments and the till-survey "
                                    "scores for March, with her notes on what she changed.")
    photos = [make_photo(tmp_path / f"log-page-{i}.png", c)
              for i, c in enumerate(("#3a7", "#c84", "#48c", "#a4a"), 1)]
    drop_files(vs.attachments, photos)
    qtbot.waitUntil(lambda: vs.attachments_model.rowCount() == 4, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: all(vs.attachments_model.has_thumbnail(a.sha256)
                                for a in vs.attachments_model.attachments()), timeout=WAIT_MS)
    tick_in_picker(qtbot, window, f"{UNIT} 2.2")
    vs.focus_picker()
    settle(qtbot, window)
    _save(window, out / "visit_product.png")
