"""The unit library shows what the spec says beyond its criteria: aim, assessment and guidance on
assessment, in a collapsible panel (issue 13)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from assessor_app.gui.dialogs.unit_library import UnitLibraryDialog
from assessor_app.specs.parser import parse_file
from assessor_app.store import Store
from tests.gui.conftest import WAIT_MS
from tests.specs.helpers import seed


def test_library_shows_aim_and_assessment_guidance(qtbot: QtBot, spec_store: Store) -> None:
    dialog = UnitLibraryDialog(spec_store)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT_MS):
        dialog.show()
    spec = parse_file(seed("004"))
    assert dialog.select_unit(spec.reference)
    panel = dialog.guidance
    assert panel.isVisible() and not panel.body.isVisible()  # folded until asked
    panel.toggle.click()
    assert panel.body.isVisible()
    text = panel.body.text()
    assert "Unit aim" in text and "line manager" in text  # seed 004's line-manager rule
    assert spec.aim[:60] in text
    panel.toggle.click()
    assert not panel.body.isVisible()
