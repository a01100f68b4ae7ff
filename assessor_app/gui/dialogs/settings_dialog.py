"""Settings: who you are and your centre (they go on every ERS; kept with the database), the
autosave pause and idle lock (this laptop), a way back into the set-up for the signing key and
sync, and (with a store) the Backup page."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assessor_app.gui.dialogs.dialog_parts import dialog_buttons
from assessor_app.gui.support.fit import fit_to_screen, scrolling
from assessor_app.gui.support.settings import AppSettings
from assessor_app.setup.profile import (
    AssessorProfile,
    ProfileError,
    check_profile,
    load_profile,
    save_profile,
)
from assessor_app.store import Store


def _spin(low: int, high: int, value: int, suffix: str, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSuffix(suffix)
    box.setValue(value)
    box.setToolTip(tip)
    return box


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None,
                 store: Store | None = None, *, profile: AssessorProfile | None = None) -> None:
        """`profile`: the assessor's details as the window last read them (read from `store`
        here when not given)."""
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.settings = settings
        self.store = store
        if profile is None:
            profile = load_profile(store) if store is not None else AssessorProfile(
                settings.assessor_name)
        self.name = QLineEdit(profile.assessor_name or settings.assessor_name)
        self.name.setObjectName("assessorName")
        self.name.setPlaceholderText("As it should appear on judgements and sign-offs")
        self.assessor_id = QLineEdit(profile.assessor_id)
        self.assessor_id.setObjectName("assessorId")
        self.centre_name = QLineEdit(profile.centre_name)
        self.centre_name.setObjectName("centreName")
        self.centre_number = QLineEdit(profile.centre_number)
        self.centre_number.setObjectName("centreNumber")
        self.delay = _spin(100, 5000, settings.autosave_delay_ms, " ms",
                           "How long after you stop typing the text is saved (it is always "
                           "saved when you leave a field).")
        self.delay.setSingleStep(100)
        self.lock_minutes = _spin(0, 120, settings.lock_idle_minutes, " min",
                                  "Hide learners' data behind your passphrase after this long "
                                  "without use (Ctrl+L locks at once).")
        self.lock_minutes.setSpecialValueText("Never")
        self.setup_button = QPushButton("Signing key and sync set-up…")
        self.setup_button.setObjectName("openSetup")
        self.setup_button.setEnabled(store is not None)
        self.setup_button.clicked.connect(self._open_setup)
        self.passphrase_button = QPushButton("Change &passphrase…")
        self.passphrase_button.setObjectName("changePassphrase")
        self.passphrase_button.setToolTip("The passphrase that opens your data, your signing "
                                          "key and your backups")
        self.passphrase_button.setEnabled(store is not None and store.encrypted)
        self.passphrase_button.clicked.connect(self.open_passphrase)
        self.passphrase_dialog: QDialog | None = None
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setObjectName("settingsError")
        self.error.hide()
        general = QWidget()
        form = QFormLayout(general)
        form.addRow("Your &name", self.name)
        form.addRow("Assessor registration/&ID", self.assessor_id)
        form.addRow("&Centre name", self.centre_name)
        form.addRow("Centre n&umber", self.centre_number)
        form.addRow("&Autosave after a pause of", self.delay)
        form.addRow("&Lock when idle for", self.lock_minutes)
        form.addRow(self.setup_button)
        form.addRow(self.passphrase_button)
        self.tabs = QTabWidget()
        self.tabs.addTab(scrolling(general), "General")
        self.backup_page = None
        if store is not None:
            from assessor_app.gui.widgets.backup_page import BackupPage

            self.backup_page = BackupPage(store)
            self.tabs.addTab(scrolling(self.backup_page), "Backup")
        self.buttons = dialog_buttons(self)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        fit_to_screen(self, QSize(560, 420))

    def _open_setup(self) -> None:
        from assessor_app.gui.dialogs.setup_wizard import SetupWizard

        assert self.store is not None
        wizard = SetupWizard(self.store, self._profile(), self)
        if wizard.exec():
            saved = check_profile(wizard.profile())  # what it stored (it saves before closing)
            for field, value in ((self.name, saved.assessor_name),
                                 (self.assessor_id, saved.assessor_id),
                                 (self.centre_name, saved.centre_name),
                                 (self.centre_number, saved.centre_number)):
                field.setText(value)

    def open_passphrase(self) -> QDialog:
        """Settings ▸ "Change passphrase…" (window-modal)."""
        from assessor_app.gui.dialogs.passphrase_dialog import PassphraseDialog

        assert self.store is not None
        dialog = PassphraseDialog(self.store, self)
        self.passphrase_dialog = dialog
        dialog.open()
        return dialog

    def _profile(self) -> AssessorProfile:
        return AssessorProfile(self.name.text(), self.assessor_id.text(),
                               self.centre_name.text(), self.centre_number.text())

    def accept(self) -> None:
        if self.store is not None:
            try:
                save_profile(self.store, self._profile())
            except ProfileError as exc:
                self.error.setText(f"⚠ {exc}")
                self.error.show()
                return
        self.settings.assessor_name = self.name.text().strip()
        self.settings.autosave_delay_ms = self.delay.value()
        self.settings.lock_idle_minutes = self.lock_minutes.value()
        self.settings.sync()
        super().accept()
