"""Preferences: the assessor's name (for judgements and the audit trail), the autosave pause,
the idle lock; and (with a store) the Backup page."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assessor_app.gui.dialogs.dialog_parts import dialog_buttons
from assessor_app.gui.support.settings import AppSettings
from assessor_app.store import Store


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None,
                 store: Store | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        self.name = QLineEdit(settings.assessor_name)
        self.name.setPlaceholderText("As it should appear on judgements and sign-offs")
        self.delay = QSpinBox()
        self.delay.setRange(100, 5000)
        self.delay.setSingleStep(100)
        self.delay.setSuffix(" ms")
        self.delay.setValue(settings.autosave_delay_ms)
        self.delay.setToolTip("How long after you stop typing the text is saved "
                              "(it is always saved when you leave a field).")
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(0, 120)
        self.lock_minutes.setSuffix(" min")
        self.lock_minutes.setSpecialValueText("Never")
        self.lock_minutes.setValue(settings.lock_idle_minutes)
        self.lock_minutes.setToolTip("Hide learners' data behind your passphrase after this long "
                                     "without use (Ctrl+L locks at once).")
        general = QWidget()
        form = QFormLayout(general)
        form.addRow("Your &name", self.name)
        form.addRow("&Autosave after a pause of", self.delay)
        form.addRow("&Lock when idle for", self.lock_minutes)
        self.tabs = QTabWidget()
        self.tabs.addTab(general, "General")
        self.backup_page = None
        if store is not None:
            from assessor_app.gui.widgets.backup_page import BackupPage

            self.backup_page = BackupPage(store)
            self.tabs.addTab(self.backup_page, "Backup")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(dialog_buttons(self))
        self.setMinimumWidth(480)

    def accept(self) -> None:
        self.settings.assessor_name = self.name.text().strip()
        self.settings.autosave_delay_ms = self.delay.value()
        self.settings.lock_idle_minutes = self.lock_minutes.value()
        self.settings.sync()
        super().accept()
