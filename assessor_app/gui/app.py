"""Starts the Qt application on a store."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from assessor_app.gui.main_window import MainWindow
from assessor_app.store import open_store


def run_gui(db: str | Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Assessor companion")
    app.setOrganizationName("AssessorCompanion")
    store = open_store(db)
    window = MainWindow(store)
    window.show()
    try:
        return app.exec()
    finally:
        store.close()
