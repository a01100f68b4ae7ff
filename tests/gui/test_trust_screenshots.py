"""Screenshots of the screens issue 11 changed (docs/screenshots/trust-*.png): the locked
record with its badge, the Unlock dialog, the set-up wizard, Settings with the profile, the
wrapped coverage matrix at 1920×1080 at 2× (960×520 logical) and the demo's own window.

Set ASSESSOR_APP_SCREENSHOTS=1 to refresh the files in docs/; otherwise they go to a temp dir,
and each is checked to be a real picture (not blank)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from assessor_app.demo.builder import build_demo
from assessor_app.evidence.items import list_evidence
from assessor_app.evidence.visits import list_visits
from assessor_app.gui.dialogs.settings_dialog import SettingsDialog
from assessor_app.gui.dialogs.setup_wizard import SetupWizard
from assessor_app.gui.dialogs.unlock_dialog import UnlockDialog
from assessor_app.gui.support import fit
from assessor_app.gui.support.settings import AppSettings
from assessor_app.setup.profile import AssessorProfile, save_profile
from assessor_app.signoff.keys import load_or_create_identity
from assessor_app.store import Store
from tests.gui.conftest import WAIT_MS, settle, when_modal_shows

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _save(w: QWidget, out: Path, name: str) -> None:
    image = w.grab().toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 4, f"{name} looks blank"
    assert image.save(str(out / f"trust-{name}.png"))


def test_screenshots(qtbot: QtBot, spec_store: Store, make_window, app_settings: AppSettings,
                     tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    out = DOCS if os.environ.get("ASSESSOR_APP_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    save_profile(spec_store, AssessorProfile("Jo Carter", "ASR-7731",
                                             "Riverside Skills College", "58213"))
    demo = build_demo(spec_store, load_or_create_identity)
    assert demo is not None
    window = make_window(spec_store)
    window.select_learner(demo.learner_id)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=WAIT_MS)
    window.open_visit(list_visits(spec_store, demo.learner_id)[0].visit.id)
    settle(qtbot, window)
    vs = window.visit_screen
    qa = next(e for e in list_evidence(spec_store, demo.learner_id) if e.ref == "QA-1")
    vs.select_evidence(qa.id)
    settle(qtbot, vs)  # the item is read in the background
    qtbot.waitUntil(lambda: vs.lock_badge.isVisible(), timeout=WAIT_MS)
    _save(window, out, "1-locked-record")

    shots: list[bool] = []

    def grab_unlock(dlg: UnlockDialog) -> None:
        qtbot.keyClicks(dlg.reason, "learner's answer to Q2 was mistyped")
        _save(dlg, out, "2-unlock-dialog")
        shots.append(True)
        dlg.reject()

    when_modal_shows(UnlockDialog, grab_unlock)
    vs.unlock_current()
    assert shots == [True]

    wizard = SetupWizard(spec_store, AssessorProfile("Jo Carter", "ASR-7731"))
    qtbot.addWidget(wizard)
    wizard.show()
    _save(wizard, out, "3-setup-wizard-you")
    wizard.next()
    wizard.next()
    _save(wizard, out, "4-setup-wizard-key")
    wizard.close()

    dlg = SettingsDialog(app_settings, window, spec_store)
    qtbot.addWidget(dlg)
    dlg.show()
    _save(dlg, out, "5-settings-profile")
    dlg.close()

    area = QRect(0, 0, 960, 520)  # 1920×1080 at 2×
    monkeypatch.setattr(fit, "available_geometry", lambda _w=None: area)
    window.show_learner_page()
    window.show_coverage()
    cov = window.coverage_dialog
    fit.fit_to_screen(cov, available=area)
    settle(qtbot, cov.view)
    qtbot.waitUntil(lambda: cov.view.model.rowCount() > 3, timeout=WAIT_MS)
    _save(cov, out, "6-coverage-wrapped-960x520")
    cov.close()
