"""Screenshots of the sign-off flow (docs/screenshots/signoff-*.png).

Set ASSESSOR_APP_SCREENSHOTS=1 to refresh the files in docs/; otherwise they go to a temp dir,
and the test still checks that each page renders with something on it.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from assessor_app.gui.dialogs.signoff_dialog import SignOffDialog
from assessor_app.store import Store
from tests.gui.conftest import settle, wait_pdf_painted
from tests.gui.test_signoff_dialog import (
    ASSESSOR,
    click_next,
    go_to_assessor,
    make_case,
    sign,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _out_dir(tmp_path: Path) -> Path:
    out = DOCS if os.environ.get("ASSESSOR_APP_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    return out


def _save(widget, path: Path) -> QImage:  # noqa: ANN001
    image = widget.grab().toImage()
    assert image.save(str(path))
    # Not a blank grab: many distinct pixel values.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 3, path.name
    return image


def test_signoff_pages(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    out = _out_dir(tmp_path)
    case = make_case(store, all_met=False)
    dlg = SignOffDialog(store, case.learner_id, case.unit_version_id, assessor_name=ASSESSOR)
    qtbot.addWidget(dlg)
    dlg.resize(1040, 700)
    dlg.show()
    qtbot.waitExposed(dlg)
    settle(qtbot, dlg)
    _save(dlg, out / "signoff-1-check-partial.png")
    click_next(qtbot, dlg)
    _save(dlg, out / "signoff-1b-partial-needs-reason.png")
    qtbot.keyClicks(dlg.review.reason, "Learner moving to another store; 1.2 to be assessed there")
    click_next(qtbot, dlg)
    _save(dlg, out / "signoff-2-learner-empty.png")
    dlg.learner.agree.setChecked(True)
    sign(qtbot, dlg.learner)
    _save(dlg, out / "signoff-2-learner-signed.png")
    click_next(qtbot, dlg)
    qtbot.keyClicks(dlg.line_manager.job_title, "Store manager")
    sign(qtbot, dlg.line_manager)
    _save(dlg, out / "signoff-3-line-manager.png")
    click_next(qtbot, dlg)
    sign(qtbot, dlg.assessor)
    _save(dlg, out / "signoff-4-assessor.png")
    click_next(qtbot, dlg)
    _save(dlg, out / "signoff-5-busy.png")
    qtbot.waitUntil(lambda: dlg.current() is dlg.preview_page, timeout=30_000)
    qtbot.waitUntil(dlg.preview.is_ready, timeout=10_000)
    wait_pdf_painted(qtbot, dlg.preview)
    _save(dlg, out / "signoff-6-last-look.png")
    assert dlg.preview.render_page(0, 900).save(str(out / "signoff-6-ers-page1.png"))
    with qtbot.waitSignal(dlg.filed, timeout=30_000):
        click_next(qtbot, dlg)
    _save(dlg, out / "signoff-7-filed.png")


def test_signoff_at_small_laptop_size(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    """1366×768 screens leave about 1300×700 for a dialog: the signer pages must still fit."""
    out = _out_dir(tmp_path)
    case = make_case(store)
    dlg = SignOffDialog(store, case.learner_id, case.unit_version_id, assessor_name=ASSESSOR)
    qtbot.addWidget(dlg)
    dlg.resize(dlg.minimumSize())
    dlg.show()
    qtbot.waitExposed(dlg)
    settle(qtbot, dlg)
    go_to_assessor(qtbot, dlg)
    qtbot.mouseClick(dlg.back_button, Qt.MouseButton.LeftButton)
    pad = dlg.line_manager.signature.pad
    assert pad.height() >= 110 and pad.isVisible()
    _save(dlg, out / "signoff-3-line-manager-small.png")
