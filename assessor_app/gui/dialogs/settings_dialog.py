"""Preferences: the assessor's name (for judgements and the audit trail) and the autosave pause."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QSpinBox, QWidget

from assessor_app.gui.dialogs.dialog_parts import dialog_buttons
from assessor_app.gui.support.settings import AppSettings


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
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
        form = QFormLayout(self)
        form.addRow("Your &name", self.name)
        form.addRow("&Autosave after a pause of", self.delay)
        buttons = dialog_buttons(self)
        form.addRow(buttons)
        self.setMinimumWidth(420)

    def accept(self) -> None:
        self.settings.assessor_name = self.name.text().strip()
        self.settings.autosave_delay_ms = self.delay.value()
        self.settings.sync()
        super().accept()
