"""Range and teaching content beside the criterion being ticked (issue 13)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from pytestqt.qtbot import QtBot
from sqlmodel import select

from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.specs.parser import parse_file
from assessor_app.store import Store
from assessor_app.store.models import EvidenceRangeItem
from tests.gui.conftest import WAIT_MS, settle
from tests.gui.test_criteria_picker import _visit_window
from tests.specs.helpers import seed


def test_range_shows_beside_the_selected_criterion(qtbot: QtBot, spec_store: Store,
                                                   make_window: Callable[[Store], MainWindow]
                                                   ) -> None:
    window, _ = _visit_window(qtbot, spec_store, make_window)
    picker = window.visit_screen.picker
    panel = window.visit_screen.criterion_guidance
    qtbot.keyClicks(picker.filter, "K/503/8194 1.2")
    (crit,) = picker.visible_criterion_ids()
    picker.select_criterion(crit)
    qtbot.waitUntil(lambda: not panel.busy and panel.isVisible(), timeout=WAIT_MS)
    text = panel.text.text()
    assert "Range — Segmentation" in text and "<li>religion</li>" in text
    assert "Factors" not in text  # 1.3's range belongs beside 1.3
    picker.filter.clear()
    qtbot.keyClicks(picker.filter, "K/503/8194 1.3")
    (other,) = picker.visible_criterion_ids()
    picker.select_criterion(other)
    qtbot.waitUntil(lambda: not panel.busy and "Factors" in panel.text.text(), timeout=WAIT_MS)
    assert "Segmentation" not in panel.text.text()


def test_unit_aim_and_assessment_panel_on_the_visit_screen(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    """The unit library's collapsible aim/assessment panel, for the unit of the criterion being
    ticked: folded at first, and it stays open from one criterion to the next."""
    window, _ = _visit_window(qtbot, spec_store, make_window)
    picker = window.visit_screen.picker
    guidance = window.visit_screen.criterion_guidance
    panel = guidance.unit_panel
    spec = parse_file(seed("000"))
    qtbot.keyClicks(picker.filter, f"{spec.reference} 2.1")
    (crit,) = picker.visible_criterion_ids()
    picker.select_criterion(crit)
    qtbot.waitUntil(lambda: not guidance.busy and panel.isVisible(), timeout=WAIT_MS)
    assert not panel.body.isVisible()  # folded until asked
    assert panel.toggle.text().startswith(spec.reference)
    panel.toggle.click()
    assert panel.body.isVisible()
    text = panel.body.text()
    assert "Unit aim" in text and escape(spec.aim[:60]) in text
    assert "Assessment" in text and escape(spec.assessment[:40]) in text
    picker.filter.clear()
    qtbot.keyClicks(picker.filter, f"{spec.reference} 3.2")
    (other,) = picker.visible_criterion_ids()
    picker.select_criterion(other)
    qtbot.waitUntil(lambda: not guidance.busy and guidance.criterion_id == other, timeout=WAIT_MS)
    assert panel.body.isVisible() and escape(spec.aim[:60]) in panel.body.text()
    guidance.show_criterion(None)  # no criterion selected: nothing to show
    assert not guidance.isVisible()


def test_range_items_ticked_beside_the_criterion_are_recorded(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    """With an evidence item in the editor, each range item of the selected criterion has a
    checkbox; ticking one records it against the item, and undo takes it back."""
    window, _ = _visit_window(qtbot, spec_store, make_window)
    vs = window.visit_screen
    guidance = vs.criterion_guidance
    picker = vs.picker
    qtbot.keyClicks(picker.filter, "K/503/8194 1.2")
    (crit,) = picker.visible_criterion_ids()
    picker.select_criterion(crit)
    qtbot.waitUntil(lambda: not guidance.busy and guidance.range_box.isVisible(), timeout=WAIT_MS)
    assert [c.text() for c in guidance.range_checks][:2] == ["Segmentation: age",
                                                             "Segmentation: gender"]
    assert not any(c.isEnabled() for c in guidance.range_checks)  # no evidence item yet
    evidence_id = vs.new_evidence("observation")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not guidance.busy and guidance.evidence_id == evidence_id
                    and all(c.isEnabled() for c in guidance.range_checks), timeout=WAIT_MS)
    religion = guidance.range_checks[2]
    assert religion.text() == "Segmentation: religion"
    religion.click()
    with spec_store.session() as s:
        assert [(r.evidence_id, r.item_text) for r in s.exec(select(EvidenceRangeItem))] == [
            (evidence_id, "religion")]
    window.undo_stack.undo()
    settle(qtbot, window)
    with spec_store.session() as s:
        assert s.exec(select(EvidenceRangeItem)).all() == []
    qtbot.waitUntil(lambda: not guidance.busy and guidance.range_checks
                    and not guidance.range_checks[2].isChecked(), timeout=WAIT_MS)
    window.undo_stack.redo()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not guidance.busy and guidance.range_checks
                    and guidance.range_checks[2].isChecked(), timeout=WAIT_MS)
