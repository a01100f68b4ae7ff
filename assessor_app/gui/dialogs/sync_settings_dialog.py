"""Sync settings: the centre's WebDAV address, username and password (password → OS keyring).

"Test connection" runs one request in the background with the values as typed, before saving.
When this computer has no secure password store, the dialog says so plainly and saves the rest;
it never writes the password to a file.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assessor_app import secrets
from assessor_app.gui.support.fit import fit_to_screen
from assessor_app.gui.support.messages import Banner
from assessor_app.gui.support.workers import Job, run_in_background
from assessor_app.gui.support.workers_sync import ProbeOutcome, probe_settings
from assessor_app.store import Store
from assessor_app.sync.queries import read_sync_settings, write_sync_settings
from assessor_app.sync.settings import (
    SyncSettings,
    store_password,
)

KEEP_PASSWORD_HINT = "(stored in the keyring — leave empty to keep it)"


class SyncSettingsDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Sync settings")
        self._job: Job | None = None
        self.current = read_sync_settings(store)

        self.url = QLineEdit()
        self.url.setPlaceholderText("https://files.example-centre.ac.uk/remote.php/dav/files/you/")
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.centre = QLineEdit()
        self.centre.setPlaceholderText("Optional: the centre's name, used in the folder layout")
        self._has_stored_password = False
        if self.current is not None:
            self.url.setText(self.current.base_url)
            self.username.setText(self.current.username)
            self.centre.setText(self.current.centre)
            try:
                self._has_stored_password = bool(secrets.get_secret(self.current.secret_name))
            except secrets.SecretStoreUnavailable:
                self._has_stored_password = False
        if self._has_stored_password:
            self.password.setPlaceholderText(KEEP_PASSWORD_HINT)

        form = QFormLayout()
        form.addRow("Server address", self.url)
        form.addRow("Username", self.username)
        form.addRow("Password or app token", self.password)
        form.addRow("Centre", self.centre)

        self.test_button = QPushButton("Test connection")
        self.test_result = QLabel("")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner = Banner(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)

        lay = QVBoxLayout(self)
        intro = QLabel("Filed Evidence Record Sheets are sent to this WebDAV folder at the "
                       "centre. The password is kept in this computer's keyring.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.test_result)
        lay.addWidget(self.banner)
        lay.addWidget(buttons)
        self.test_button.clicked.connect(self.test_connection)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # never squashed
        fit_to_screen(self, QSize(620, self.sizeHint().height()))

    # -- values --------------------------------------------------------------------------------

    def _settings(self) -> SyncSettings:
        """Settings from the fields; the core's validation message if they do not make sense."""
        base = self.current or None
        values = {"base_url": self.url.text().strip(), "username": self.username.text().strip(),
                  "centre": self.centre.text().strip()}
        if base is not None:
            return base.with_changes(**values)
        return SyncSettings(**values)

    def _password(self, settings: SyncSettings) -> str | None:
        typed = self.password.text()
        if typed:
            return typed
        try:
            return secrets.get_secret(settings.secret_name)
        except secrets.SecretStoreUnavailable:
            return None

    # -- actions -------------------------------------------------------------------------------

    def _settings_or_say(self) -> SyncSettings | None:
        """The settings in the form, or None after saying in the banner what is wrong."""
        self.banner.dismiss()
        try:
            return self._settings()
        except ValueError as exc:
            self.banner.show_message(_sentence(exc), "error")
            return None

    def test_connection(self) -> None:
        settings = self._settings_or_say()
        if settings is None:
            return
        password = self._password(settings)
        if not password:
            self.banner.show_message("Enter the password (or app token) to test the connection.",
                                     "warning")
            return
        self.test_button.setEnabled(False)
        self.test_result.setText("Testing…")
        self._job = run_in_background(probe_settings, settings, password, on_done=self._tested,
                                      on_error=self._test_failed)

    def _tested(self, result: ProbeOutcome) -> None:
        self._job = None
        self.test_button.setEnabled(True)
        ok = result.reachable and result.authorised
        self.test_result.setText(("✓ " if ok else "⚠ ") + result.message)

    def _test_failed(self, message: str) -> None:
        self._job = None
        self.test_button.setEnabled(True)
        self.test_result.setText("⚠ " + message)

    def save(self) -> None:
        settings = self._settings_or_say()
        if settings is None:
            return
        write_sync_settings(self.store, settings)
        self.current = settings
        if self.password.text():
            try:
                store_password(settings, self.password.text())
            except secrets.SecretStoreUnavailable:
                # Settings are saved; the password is not, and we say so rather than hide it,
                # in plain words (no "keyring backend" jargon), keeping the form its full size.
                self.banner.show_message(
                    "Your sync settings are saved. This computer has no safe place to keep "
                    "passwords (no keyring), so the password was not saved: you will be asked for it each "
                    "time you press Sync now.", "warning")
                self.adjustSize()
                self.resize(max(self.width(), 620), max(self.height(), self.sizeHint().height()))
                return
        self.accept()

    def done(self, result: int) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
        super().done(result)


def _sentence(exc: Exception) -> str:
    text = str(exc).strip()
    return (text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")) if text else \
        "Those settings are not valid."
