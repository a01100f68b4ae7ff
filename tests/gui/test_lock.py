"""Locking: Ctrl+L and the idle timeout cover every window (the main window and a sign-off in
progress); the right passphrase brings everything back exactly as it was."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from assessor_app.gui.dialogs.signoff_dialog import SignOffDialog
from assessor_app.gui.support.lock import AppLock, LockOverlay, passphrase_checker
from assessor_app.store import Store
from assessor_app.vault.unlock import change_passphrase
from tests.gui.conftest import WAIT_MS, press, settle
from tests.gui.test_signoff_dialog import ASSESSOR, go_to_assessor, make_case

PASSPHRASE = "lock screen passphrase"


def _overlays() -> list[LockOverlay]:
    return [w for w in QApplication.allWidgets() if isinstance(w, LockOverlay) and w.isVisible()]


def _signoff(qtbot: QtBot, store: Store) -> SignOffDialog:
    case = make_case(store)
    dlg = SignOffDialog(store, case.learner_id, case.unit_version_id, assessor_name=ASSESSOR)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    settle(qtbot, dlg)
    go_to_assessor(qtbot, dlg)
    return dlg


def _press_in(qtbot: QtBot, top: QWidget, keys: str) -> None:
    """A real key press in `top` (made the active window), as the user would type it."""
    top.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is top, timeout=WAIT_MS)
    combo = QKeySequence(keys)[0]
    QTest.keyClick(top.focusWidget() or top, combo.key(), combo.keyboardModifiers())


def _unlock(qtbot: QtBot, overlay: LockOverlay, text: str) -> None:
    overlay.passphrase.setText(text)
    overlay.button.click()


def test_ctrl_l_locks_every_window_and_unlock_restores_them(qtbot: QtBot, store: Store,
                                                            make_window) -> None:  # noqa: ANN001
    change_passphrase(store.db_path, store.key, PASSPHRASE)
    window = make_window(store)
    lock = AppLock(window, passphrase_checker(store.db_path), idle_ms=0)
    dlg = _signoff(qtbot, store)
    _press_in(qtbot, dlg, "Ctrl+L")  # the sign-off dialog is modal: the key goes to it
    assert lock.is_locked
    overlays = _overlays()
    assert {o.parentWidget() for o in overlays} >= {window, dlg}
    for o in overlays:  # the overlay covers the whole window
        assert o.geometry() == o.parentWidget().rect()
    below = [c for c in dlg.findChildren(QWidget) if c.parent() is dlg
             and not isinstance(c, LockOverlay)]
    assert below and not any(c.isEnabled() for c in below)  # no key reaches the data below
    assert not dlg.current().isEnabled()
    assert dlg.isVisible()  # a sign-off in progress is not closed
    mine = next(o for o in overlays if o.parentWidget() is dlg)
    _unlock(qtbot, mine, "not the passphrase")
    assert lock.is_locked and "does not open" in mine.error.text()
    _unlock(qtbot, mine, PASSPHRASE)
    assert not lock.is_locked and _overlays() == []
    assert dlg.isVisible() and dlg.current() is dlg.assessor
    assert dlg.line_manager.job_title.text() == "Store manager"
    assert not dlg.line_manager.signature.pad.is_empty()
    assert all(c.isEnabled() for c in below)


def test_idle_timeout_locks(qtbot: QtBot, store: Store, make_window) -> None:  # noqa: ANN001
    change_passphrase(store.db_path, store.key, PASSPHRASE)
    window = make_window(store)
    lock = AppLock(window, passphrase_checker(store.db_path), idle_ms=300)
    qtbot.waitUntil(lambda: lock.is_locked, timeout=WAIT_MS)
    assert [o.parentWidget() for o in _overlays()] == [window]
    _unlock(qtbot, _overlays()[0], PASSPHRASE)
    assert not lock.is_locked
    assert lock.timer.isActive()  # counting again


def test_no_passphrase_is_refused(store: Store, tmp_path: Path) -> None:
    check = passphrase_checker(store.db_path)
    assert check("") == "Enter your passphrase."
    change_passphrase(store.db_path, store.key, PASSPHRASE)
    assert check(PASSPHRASE) == ""


def test_the_app_installs_the_lock_with_the_idle_setting(qtbot: QtBot, store: Store,
                                                         make_window) -> None:  # noqa: ANN001
    from assessor_app.gui.app import install_lock

    window = make_window(store)
    window.settings.lock_idle_minutes = 7
    lock = install_lock(window, store)
    assert lock.idle_ms == 7 * 60_000 and lock.timer.isActive()
    press(window, "Ctrl+L")
    overlay = _overlays()[0]
    assert "keyring" in overlay.findChildren(QLabel)[1].text()
    _unlock(qtbot, overlay, "")  # the keyring of this session holds the key
    assert not lock.is_locked
