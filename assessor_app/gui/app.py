"""Starts the Qt application on a store: `assessor-app` with no arguments lands here."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from assessor_app.gui.dialogs.first_run import FirstRun
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.gui.support.error_boundary import ExceptionDialogs, open_store_or_explain
from assessor_app.gui.support.settings import APPLICATION, ORGANISATION
from assessor_app.gui.support.workers import wait_for_all


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationDisplayName(APPLICATION)
    return app  # type: ignore[return-value]


def run_gui(db: str | Path | None = None, *, offer_demo: bool | None = None) -> int:
    app = make_app()
    store = open_store_or_explain(db)
    if store is None:
        return 2  # the dialog said why and what to do
    window = MainWindow(store)
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
