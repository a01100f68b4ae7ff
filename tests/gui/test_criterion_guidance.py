"""Range and teaching content beside the criterion being ticked (issue 13)."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.store import Store
from tests.gui.conftest import WAIT_MS
from tests.gui.test_criteria_picker import _visit_window


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
