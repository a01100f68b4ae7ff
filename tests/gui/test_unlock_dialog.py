"""The Unlock dialog names what it voids and needs a reason; Cancel is the default, so Enter
never voids a signature; it fits a small screen."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from assessor_app.gui.dialogs.unlock_dialog import UnlockDialog
from assessor_app.gui.support.fit import button_visible, fit_to_screen, fits
from assessor_app.gui.widgets.lock_badge import LockBadge
from assessor_app.signoff.locks import EvidenceLock, LockingSignOff

SIGNED = (LockingSignOff(3, "H/601/1232", date(2025, 11, 21)),)


def test_names_the_signoffs_and_needs_a_reason(qtbot: QtBot) -> None:
    dlg = UnlockDialog("QA-1", SIGNED, date(2025, 11, 12))
    qtbot.addWidget(dlg)
    text = " ".join(lbl.text() for lbl in dlg.findChildren(QLabel))
    assert "sign-off 3 (H/601/1232, signed 21 Nov 2025)" in text
    assert "Unlocking voids this sign-off" in text and "12 Nov 2025" in text
    assert not dlg.unlock_button.isEnabled()
    qtbot.keyClicks(dlg.reason, "   ")
    assert not dlg.unlock_button.isEnabled()
    qtbot.keyClicks(dlg.reason, "learner's name misspelt")
    assert dlg.unlock_button.isEnabled() and not dlg.unlock_button.isDefault()
    qtbot.mouseClick(dlg.unlock_button, Qt.MouseButton.LeftButton)
    assert dlg.result() == UnlockDialog.DialogCode.Accepted
    assert dlg.reason_text() == "learner's name misspelt"


def test_fits_a_small_screen_with_its_buttons_visible(qtbot: QtBot) -> None:
    dlg = UnlockDialog("OBS-1", SIGNED * 3)
    qtbot.addWidget(dlg)
    small = QRect(0, 0, 683, 384)  # 1366×768 at 2× scale
    fit_to_screen(dlg, available=small)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert fits(dlg, small)
    assert button_visible(dlg.unlock_button, dlg)


def test_badge_says_why_and_hides_when_unlocked(qtbot: QtBot) -> None:
    badge = LockBadge()
    qtbot.addWidget(badge)
    badge.show_lock(EvidenceLock(SIGNED, None))
    assert badge.isVisibleTo(badge.parentWidget() or badge) or not badge.isHidden()
    assert "Locked: signed, read-only" in badge.label.text() and "sign-off 3" in badge.label.text()
    with qtbot.waitSignal(badge.unlock_requested):
        qtbot.mouseClick(badge.button, Qt.MouseButton.LeftButton)
    badge.show_lock(EvidenceLock((), date(2025, 11, 12)))
    assert "completed visit (12 Nov 2025)" in badge.label.text() and not badge.isHidden()
    badge.show_lock(EvidenceLock())
    assert badge.isHidden()
