"""Starts the Qt application on a store: `assessor-app` with no arguments lands here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from assessor_app.gui.dialogs.first_run import FirstRun
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.gui.support.error_boundary import ExceptionDialogs, open_store_or_explain
from assessor_app.gui.support.settings import APPLICATION, ORGANISATION
from assessor_app.gui.support.workers import wait_for_all
from assessor_app.store import Store

if TYPE_CHECKING:
    from assessor_app.gui.support.lock import AppLock


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationDisplayName(APPLICATION)
    return app  # type: ignore[return-value]


def run_gui(db: str | Path | None = None, *, offer_demo: bool | None = None) -> int:
    app = make_app()
    store = open_store_or_explain(db)
    if isinstance(store, int):  # cancelled (1), or a dialog said why it cannot be opened (2)
        return store
    window = MainWindow(store)
    window.app_lock = install_lock(window, store)
    dialogs = ExceptionDialogs(lambda: window)
    dialogs.install()
    window.show()
    first_run = FirstRun(window, offer_demo=offer_demo)
    first_run.start()
    try:
        return app.exec()
    finally:
        dialogs.uninstall()
        wait_for_all(5000)
        store.close()


def install_lock(window: MainWindow, store: Store) -> AppLock:
    """Ctrl+L and the idle lock (Settings: minutes, 0 = off) over every window of the app."""
    from assessor_app.gui.support.lock import AppLock, passphrase_checker
    from assessor_app.vault.unlock import keyring_can_unlock

    minutes = max(0, window.settings.lock_idle_minutes)
    hint = ("Or leave it empty and press Unlock: this computer's keyring holds the key."
            if keyring_can_unlock(store.db_path) else "")
    return AppLock(window, passphrase_checker(store.db_path, allow_keyring=True),
                   idle_ms=minutes * 60_000, hint=hint)
