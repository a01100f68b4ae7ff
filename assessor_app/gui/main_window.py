"""Main window (foundation version): lists the units in the database."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QMainWindow
from sqlmodel import select

from assessor_app.store import Store
from assessor_app.store.models import Unit, UnitVersion


class MainWindow(QMainWindow):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.setWindowTitle("Assessor companion")
        self.units = QListWidget()
        self.setCentralWidget(self.units)
        self.refresh()

    def refresh(self) -> None:
        self.units.clear()
        with self.store.session() as s:
            rows = s.exec(select(Unit, UnitVersion).join(UnitVersion)).all()
        for unit, version in rows:
            self.units.addItem(f"{unit.reference}  {version.title}")
