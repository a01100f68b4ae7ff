"""Every top-level window and dialog fits the screen it opens on, with its default button in
view: 1366×768 and 1920×1080 at 1×, 1.5× and 2× scale (in logical pixels, what Qt lays out
in). The screen is simulated by giving the sizing helper the available geometry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QWidget, QWizard
from pytestqt.qtbot import QtBot

from assessor_app.demo.builder import SIGNED_UNIT, create_demo_learner
from assessor_app.evidence.visits import list_visits
from assessor_app.gui.dialogs.bundle_dialog import BundleExportDialog
from assessor_app.gui.dialogs.close_visit_dialog import CloseVisitDialog
from assessor_app.gui.dialogs.learner_dialogs import EnrolDialog, NewLearnerDialog
from assessor_app.gui.dialogs.settings_dialog import SettingsDialog
from assessor_app.gui.dialogs.setup_wizard import SetupWizard
from assessor_app.gui.dialogs.signoff_dialog import SignOffDialog
from assessor_app.gui.dialogs.signoff_history_dialog import SignOffHistoryDialog
from assessor_app.gui.dialogs.sync_settings_dialog import SyncSettingsDialog
from assessor_app.gui.dialogs.unit_library import UnitLibraryDialog
from assessor_app.gui.dialogs.unlock_dialog import UnlockDialog
from assessor_app.gui.screens.coverage_view import CoverageDialog, CoverageView
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.gui.support import fit, workers
from assessor_app.gui.support.settings import AppSettings
from assessor_app.signoff.locks import LockingSignOff
from assessor_app.specs.queries import latest_unit_version
from assessor_app.store import Store
from tests.gui.conftest import WAIT_MS, settle

SCREENS = {  # name: logical available geometry (a 40 px panel taken off the height)
    "1366x768@1": QRect(0, 0, 1366, 728), "1366x768@1.5": QRect(0, 0, 911, 485),
    "1366x768@2": QRect(0, 0, 683, 364), "1920x1080@1": QRect(0, 0, 1920, 1040),
    "1920x1080@1.5": QRect(0, 0, 1280, 693), "1920x1080@2": QRect(0, 0, 960, 520),
}


def default_button(w: QWidget) -> QWidget | None:
    """What Enter presses: the default push button, a button box's accept button, or the
    wizard's Next/Finish."""
    if isinstance(w, QWizard):
        return w.button(QWizard.WizardButton.NextButton)
    for b in w.findChildren(QPushButton):
        if b.isDefault():
            return b
    for box in w.findChildren(QDialogButtonBox):
        for b in box.buttons():
            if box.buttonRole(b) in (QDialogButtonBox.ButtonRole.AcceptRole,
                                     QDialogButtonBox.ButtonRole.RejectRole):
                return b
    return None


def _factories(store: Store, settings: AppSettings) -> dict[str, Callable[[], QWidget]]:
    demo = create_demo_learner(store)
    assert demo is not None
    lid = demo.learner_id
    with store.read_session() as s:
        uv = latest_unit_version(s, SIGNED_UNIT)
    assert uv is not None and uv.id is not None
    visit = list_visits(store, lid)[0].visit
    push = lambda _e: None  # noqa: E731
    return {
        "main window": lambda: MainWindow(store, settings),
        "coverage": lambda: CoverageDialog(CoverageView(store, push, lambda: "Jo")),
        "close visit": lambda: CloseVisitDialog(store, visit, [], push),
        "settings": lambda: SettingsDialog(settings, None, store),
        "sync settings": lambda: SyncSettingsDialog(store),
        "unlock": lambda: UnlockDialog("QA-1", (LockingSignOff(1, SIGNED_UNIT,
                                                               date(2025, 11, 21)),) * 4),
        "set-up wizard": lambda: SetupWizard(store),
        "sign-off": lambda: SignOffDialog(store, lid, uv.id, assessor_name="Jo"),  # type: ignore[arg-type]
        "sign-off history": lambda: SignOffHistoryDialog(store, lid, uv.unit_id, SIGNED_UNIT),
        "unit library": lambda: UnitLibraryDialog(store),
        "bundle export": lambda: BundleExportDialog(store),
        "new learner": lambda: NewLearnerDialog(store),
        "enrol": lambda: EnrolDialog(store, lid),
    }


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_every_window_fits_with_its_default_button_visible(
        qtbot: QtBot, spec_store: Store, app_settings: AppSettings, screen: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    area = SCREENS[screen]
    monkeypatch.setattr(fit, "available_geometry", lambda _w=None: area)
    problems = []
    opened: list[QWidget] = []  # kept alive until their background reads are done
    for name, make in _factories(spec_store, app_settings).items():
        w = make()
        opened.append(w)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        settle(qtbot, w)
        assert workers.wait_for_all(WAIT_MS)
        if not fits(w, area):
            problems.append(f"{name}: {w.frameGeometry().getRect()} outside {area.getRect()}")
        button = default_button(w)
        if isinstance(w, QDialog) and (button is None or not fit.button_visible(button, w)):
            problems.append(f"{name}: its default button is not visible")
        w.hide()
    assert problems == []


def fits(w: QWidget, area: QRect) -> bool:
    # offscreen windows have no frame; the geometry is what the window manager would place
    return area.contains(w.geometry())


SCALED = """
import json, sys
from datetime import date
from PySide6.QtWidgets import QApplication
from assessor_app.gui.dialogs.unlock_dialog import UnlockDialog
from assessor_app.gui.support.fit import button_visible
from assessor_app.signoff.locks import LockingSignOff
app = QApplication(sys.argv)
area = app.primaryScreen().availableGeometry()
dlg = UnlockDialog("QA-1", (LockingSignOff(1, "H/601/1232", date(2025, 11, 21)),) * 6)
dlg.show()
app.processEvents()
g = dlg.geometry()
print(json.dumps({"area": [area.width(), area.height()], "ratio": dlg.devicePixelRatio(),
                  "fits": area.contains(g), "cancel": button_visible(next(
                      b for b in dlg.findChildren(type(dlg.unlock_button)) if b.isDefault()),
                      dlg)}))
"""


@pytest.mark.parametrize(("scale", "logical"), [("2", [960, 540]), ("1.5", [1280, 720])])
def test_a_real_scaled_screen(tmp_path, scale: str, logical: list[int]) -> None:  # noqa: ANN001
    """Without the simulated geometry: Qt itself scales a 1920×1080 screen (QT_SCALE_FACTOR)
    and the dialog sizes itself from what Qt reports."""
    import json
    import os
    import subprocess
    import sys

    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": 1920,
                                               "height": 1080, "logicalDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_SCALE_FACTOR": scale,
           "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run([sys.executable, "-c", SCALED], capture_output=True, text=True,
                          env=env, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["area"] == logical and result["ratio"] == float(scale)
    assert result["fits"] and result["cancel"]
