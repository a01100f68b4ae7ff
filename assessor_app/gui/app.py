"""Starts the Qt application on a store: `assessor-app` with no arguments lands here.

The main window is shown first, with "Opening records…" in the learner list; the store is then
opened on a pool thread (`StoreOpener`: SQLCipher key unwrapping, the passphrase prompt when the
keyring cannot unlock it, the learner list read without the ORM) and handed to the window, which
lists the learners; the rest of the window follows (`attach_store`), the learner's page read
without the ORM too. So the first paint waits for Qt and the window's own modules only, and the
learner list and page for SQLCipher; the ORM loads, off the UI thread, when a command first
needs it (`gui.screens.visit_page`; tests/gui/test_startup_imports.py checks that).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.gui.support.error_boundary import ExceptionDialogs, explain_opening_failure
from assessor_app.gui.support.settings import APPLICATION, ORGANISATION
from assessor_app.gui.support.store_opening import StoreOpener
from assessor_app.gui.support.workers import wait_for_all

if TYPE_CHECKING:
    from assessor_app.gui.support.lock import AppLock
    from assessor_app.store import Store

CANCELLED, NOT_OPENED = 1, 2  # exit statuses: passphrase prompt cancelled; a dialog said why


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationDisplayName(APPLICATION)
    return app  # type: ignore[return-value]


def run_gui(db: str | Path | None = None, *, offer_demo: bool | None = None) -> int:
    app = make_app()
    window = MainWindow(None)
    dialogs = ExceptionDialogs(lambda: window)
    dialogs.install()
    opener = window.opener = StoreOpener(db, window)
    opener.listed.connect(lambda store: _store_listed(window, store))
    opener.opened.connect(lambda store: _store_opened(window, store, offer_demo))
    opener.cancelled.connect(lambda: _stop(window, CANCELLED))
    opener.failed.connect(lambda failure: _not_opened(window, failure))
    window.show()
    QTimer.singleShot(0, opener.start)  # after the first paint
    try:
        return app.exec()
    finally:
        dialogs.uninstall()
        wait_for_all(5000)
        if opener.store is not None:
            opener.store.close()
        lock = getattr(window, "app_lock", None)
        if lock is not None:  # its filter on the whole application ends with this run
            app.removeEventFilter(lock)
        window.deleteLater()


def _store_listed(window: MainWindow, store: Store) -> None:
    if window.isVisible():  # else closed while the store opened: the app is ending
        window.show_learners(store, window.opener.learners)


def _store_opened(window: MainWindow, store: Store, offer_demo: bool | None) -> None:
    from assessor_app.gui.dialogs.first_run import FirstRun

    if not window.isVisible():
        return  # closed while the store opened: the app is ending (run_gui closes the store)
    window.attach_store(store, learners=window.opener.learners, visit_page=False)
    window.app_lock = install_lock(window, store)
    FirstRun(window, offer_demo=offer_demo).start()


def _not_opened(window: MainWindow, failure: BaseException | str) -> None:
    """A dialog says why the database cannot be opened (and what to do); then the app ends."""
    window.opening_failed()
    if isinstance(failure, BaseException):
        explain_opening_failure(failure, window)
    else:
        QMessageBox.critical(window, "The database cannot be opened", failure)
    _stop(window, NOT_OPENED)


def _stop(window: MainWindow, status: int) -> None:
    window.hide()  # not close(): closing the last window would quit with status 0
    QApplication.exit(status)


def install_lock(window: MainWindow, store: Store) -> AppLock:
    """Ctrl+L and the idle lock (Settings: minutes, 0 = off) over every window of the app."""
    from assessor_app.gui.support.lock import AppLock, passphrase_checker
    from assessor_app.vault.unlock import keyring_can_unlock

    minutes = max(0, window.settings.lock_idle_minutes)
    hint = ("Or leave it empty and press Unlock: this computer's keyring holds the key."
            if keyring_can_unlock(store.db_path) else "")
    return AppLock(window, passphrase_checker(store.db_path, allow_keyring=True),
                   idle_ms=minutes * 60_000, hint=hint)
