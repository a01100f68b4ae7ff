"""First run as the real assessor: who you are, your centre, your signing key and (optionally)
where filed sheets go. Every answer is saved by the core (`setup.profile`, `signoff.keys`,
`sync.queries`); all of it can be changed later in Settings.

Pages: You → Centre → Signing key → Sending to the centre. Each page checks its answers when
Next is pressed and says what is wrong on the page itself.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from assessor_app import secrets
from assessor_app.gui.support.fit import fit_to_screen
from assessor_app.gui.support.workers import run_in_background
from assessor_app.gui.support.workers_sync import ProbeOutcome, probe_settings
from assessor_app.setup.profile import AssessorProfile, ProfileError, check_profile, save_profile
from assessor_app.setup.trail import record_key_setup
from assessor_app.signoff.keys import (
    P12_NAME,
    KeyStoreError,
    import_p12,
    keys_dir,
    load_or_create_identity,
)
from assessor_app.signoff.passphrase import (
    MIN_LENGTH,
    change_passphrase,
    current_passphrase,
    passphrase_chosen,
    passphrase_problem,
)
from assessor_app.store import Store
from assessor_app.sync.queries import write_sync_settings
from assessor_app.sync.settings import SyncSettings, store_password


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("pageError")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020; font-weight: bold;")
    label.hide()
    return label


class _Page(QWizardPage):
    def __init__(self, title: str, intro: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(intro)
        self.form = QFormLayout()
        self.error = _error_label()
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addStretch(1)
        lay.addWidget(self.error)

    def fail(self, message: str) -> bool:
        self.error.setText(message)
        self.error.show()
        return False

    def ok(self) -> bool:
        self.error.hide()
        return True


class YouPage(_Page):
    def __init__(self, profile: AssessorProfile) -> None:
        super().__init__("You", "Your name and assessor registration go on every Evidence "
                         "Record Sheet you sign.")
        self.name = QLineEdit(profile.assessor_name)
        self.name.setObjectName("assessorName")
        self.assessor_id = QLineEdit(profile.assessor_id)
        self.assessor_id.setObjectName("assessorId")
        self.assessor_id.setPlaceholderText("As the awarding body or centre issued it")
        self.form.addRow("Your &name", self.name)
        self.form.addRow("Assessor &registration/ID", self.assessor_id)

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        if not self.name.text().strip():
            return self.fail("Enter your name: it goes on every sheet you sign.")
        return self.ok()


class CentrePage(_Page):
    def __init__(self, profile: AssessorProfile) -> None:
        super().__init__("Your centre", "The centre you assess for, as the external quality "
                         "assurer knows it.")
        self.centre_name = QLineEdit(profile.centre_name)
        self.centre_name.setObjectName("centreName")
        self.centre_number = QLineEdit(profile.centre_number)
        self.centre_number.setObjectName("centreNumber")
        self.form.addRow("Centre &name", self.centre_name)
        self.form.addRow("Centre n&umber", self.centre_number)


NO_KEYRING_NOTE = ("This computer has no keyring to keep your passphrase, so the app asks for "
                   "it at each start. Type it twice: the one you chose at start, or a new one. "
                   "It opens your data, your signing key and your backups.")


class KeyPage(_Page):
    """Create a signing key, or import the .p12 the centre issued, with its passphrase."""

    def __init__(self, store: Store) -> None:
        super().__init__("Signing key", "Filed sheets and bundles are signed with your own "
                         "key, so the centre can tell they were not altered.")
        self.store = store
        self.create = QRadioButton("&Create a new signing key on this computer")
        self.create.setObjectName("createKey")
        self.import_ = QRadioButton("&Import a key the centre gave me (.p12 or .pfx file)")
        self.import_.setObjectName("importKey")
        self.create.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.create)
        group.addButton(self.import_)
        self.p12_path = QLineEdit()
        self.p12_path.setObjectName("p12Path")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.p12_path, 1)
        row.addWidget(browse)
        self.p12_password = QLineEdit()
        self.p12_password.setObjectName("p12Password")
        self.p12_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("keyPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(f"At least {MIN_LENGTH} characters; it also opens "
                                           "your backups")
        self.confirm = QLineEdit()
        self.confirm.setObjectName("keyPassphraseAgain")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setPlaceholderText("Type it again")
        if self._must_type():
            self.passphrase.setPlaceholderText("The one you chose at start, or a new one")
        elif passphrase_chosen(store):
            self.passphrase.setPlaceholderText("Leave empty to keep your passphrase")
        self.form.addRow(self.create)
        self.form.addRow(self.import_)
        self.form.addRow(".p12 file", row)
        self.form.addRow("Password of the .p12", self.p12_password)
        self.form.addRow("Your &passphrase", self.passphrase)
        self.form.addRow("Type it a&gain", self.confirm)
        self.note = QLabel(NO_KEYRING_NOTE if self._must_type() else "")
        self.note.setObjectName("keyNote")
        self.note.setWordWrap(True)
        self.form.addRow(self.note)
        self.identity_name = ""

    def _must_type(self) -> bool:
        """No keyring and no passphrase in the environment: the passphrase was typed once, at
        start. It is typed twice here, so a slip of the finger at start cannot lock the data
        for good, and checked like any new one."""
        return current_passphrase() is None

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Signing key", str(Path.home()),
                                              "PKCS#12 (*.p12 *.pfx)")
        if path:
            self.p12_path.setText(path)
            self.import_.setChecked(True)

    def _chosen_passphrase(self) -> tuple[str | None, str | None]:
        """(the new passphrase or None, the problem with it or None)."""
        typed = self.passphrase.text()
        if not typed and passphrase_chosen(self.store) and not self._must_type():
            return None, None
        return typed, passphrase_problem(typed, self.confirm.text())

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        chosen, problem = self._chosen_passphrase()
        if problem:
            return self.fail(problem)
        # the keys are made or imported with the passphrase this computer knows (keyring,
        # environment, else typed at start), then the passphrase is changed to the chosen one
        # (data key, signing keys and keyring together): one passphrase opens everything
        known = current_passphrase() or self.store.typed_passphrase
        passphrase = known or chosen
        name = self.wizard().field("assessorName") or ""
        how = "imported" if self.import_.isChecked() else (
            "kept" if (keys_dir(self.store) / P12_NAME).exists() else "created")
        try:
            if self.import_.isChecked():
                path = Path(self.p12_path.text().strip())
                if not path.is_file():
                    return self.fail("Choose the .p12 file the centre gave you.")
                identity = import_p12(self.store, path.read_bytes(),
                                      self.p12_password.text() or None, passphrase=passphrase)
            else:
                identity = load_or_create_identity(self.store, str(name), passphrase=passphrase)
            if chosen and known and chosen != known:
                change_passphrase(self.store, known, chosen)
        except KeyStoreError as exc:
            return self.fail(f"{exc} Enter a passphrase above to continue.")
        except OSError as exc:
            return self.fail(f"The file could not be read: {exc.strerror or exc}.")
        if chosen and self.store.typed_passphrase is not None:
            self.store.typed_passphrase = chosen  # no keyring: the one this session signs with
        record_key_setup(self.store, how=how, certificate_sha256=identity.certificate_sha256,
                         passphrase_chosen=chosen is not None)
        self.identity_name = identity.name
        self.note.setText(f"✓ Signing key ready (certificate for {identity.name}).")
        return self.ok()


class SyncPage(_Page):
    """Optional: the centre's WebDAV folder, tested before it is saved."""

    def __init__(self, store: Store) -> None:
        super().__init__("Sending to the centre (optional)", "Filed sheets go to the centre's "
                         "WebDAV folder when you are online. Leave the address empty to set "
                         "this up later in File ▸ Sync settings.")
        self.store = store
        self.url = QLineEdit()
        self.url.setObjectName("syncUrl")
        self.url.setPlaceholderText("https://files.example-centre.ac.uk/dav/you/")
        self.username = QLineEdit()
        self.username.setObjectName("syncUser")
        self.password = QLineEdit()
        self.password.setObjectName("syncPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.test_button = QPushButton("&Test connection")
        self.test_button.setObjectName("testConnection")
        self.result = QLabel("")
        self.result.setObjectName("testResult")
        self.result.setWordWrap(True)
        self.form.addRow("Server &address", self.url)
        self.form.addRow("&Username", self.username)
        self.form.addRow("Pass&word or app token", self.password)
        self.form.addRow(self.test_button)
        self.form.addRow(self.result)
        self.test_button.clicked.connect(self.test_connection)
        self._job = None

    def _settings(self, centre: str) -> SyncSettings:
        return SyncSettings(base_url=self.url.text().strip(),
                            username=self.username.text().strip(), centre=centre)

    def test_connection(self) -> None:
        try:
            settings = self._settings("")
        except ValueError as exc:
            self.fail(f"{exc}")
            return
        self.ok()
        self.test_button.setEnabled(False)
        self.result.setText("Testing…")
        self._job = run_in_background(probe_settings, settings, self.password.text(),
                                      on_done=self._tested, on_error=self._test_failed)

    def _tested(self, outcome: ProbeOutcome) -> None:
        self.test_button.setEnabled(True)
        good = outcome.reachable and outcome.authorised
        self.result.setText(("✓ " if good else "⚠ ") + outcome.message)

    def _test_failed(self, message: str) -> None:
        self.test_button.setEnabled(True)
        self.result.setText("⚠ " + message)

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        if not self.url.text().strip():
            return self.ok()
        try:
            settings = self._settings(str(self.wizard().field("centreName") or ""))
        except ValueError as exc:
            return self.fail(f"{exc}")
        write_sync_settings(self.store, settings)
        if self.password.text():
            try:
                store_password(settings, self.password.text())
            except secrets.SecretStoreUnavailable as exc:
                return self.fail(f"The address was saved, but not the password: {exc} You "
                                 "will be asked for it when sending.")
        return self.ok()


class SetupWizard(QWizard):
    """The first-run set-up. `accepted` once everything is saved."""

    def __init__(self, store: Store, profile: AssessorProfile | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupWizard")
        self.setWindowTitle("Set up Assessor companion")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.store = store
        profile = profile or AssessorProfile()
        self.you = YouPage(profile)
        self.centre = CentrePage(profile)
        self.key = KeyPage(store)
        self.sync = SyncPage(store)
        for page in (self.you, self.centre, self.key, self.sync):
            self.addPage(page)
        self.you.registerField("assessorName*", self.you.name)
        self.centre.registerField("centreName", self.centre.centre_name)
        self.centre.validatePage = self._save_profile  # type: ignore[method-assign]
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        fit_to_screen(self, QSize(640, 480))

    def profile(self) -> AssessorProfile:
        return AssessorProfile(self.you.name.text(), self.you.assessor_id.text(),
                               self.centre.centre_name.text(), self.centre.centre_number.text())

    def _save_profile(self) -> bool:
        try:
            save_profile(self.store, check_profile(self.profile()))
        except ProfileError as exc:
            return self.centre.fail(str(exc))
        return self.centre.ok()
