"""First run as a real assessor: the set-up wizard, driven with a fake user's answers, saves the
profile, creates the signing key and the sync target; the demo afterwards leaves Settings and
real sheets untouched; Settings edits the same profile."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from assessor_app.demo.location import demo_db_path
from assessor_app.evidence.learners import add_learner, enrol
from assessor_app.gui.dialogs.first_run import FirstRun
from assessor_app.gui.dialogs.settings_dialog import SettingsDialog
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.gui.support.settings import AppSettings
from assessor_app.setup.profile import AssessorProfile, load_profile
from assessor_app.signoff.keys import load_or_create_identity
from assessor_app.signoff.passphrase import passphrase_chosen
from assessor_app.store import Store
from assessor_app.sync.queries import read_sync_settings
from assessor_app.vault.unlock import check_passphrase
from tests.gui.conftest import WAIT_MS, settle
from tests.gui.wizard_steps import _next, _type
from tests.webdav_server import PASSWORD, DavServer, dav_server  # noqa: F401 - fixture

ANSWERS = {"assessorName": "Jo Carter", "assessorId": "ASR-7731",
           "centreName": "Riverside Skills College", "centreNumber": "58213"}


def test_wizard_sets_up_the_real_assessor(qtbot: QtBot, spec_store: Store,
                                          app_settings: AppSettings,
                                          dav_server: DavServer) -> None:  # noqa: F811
    window = MainWindow(spec_store, app_settings)
    qtbot.addWidget(window)
    window.show()
    first_run = FirstRun(window, offer_demo=False, offer_setup=True)
    first_run.start()
    qtbot.waitUntil(lambda: first_run.wizard is not None and first_run.wizard.isVisible(),
                    timeout=WAIT_MS)
    wizard = first_run.wizard
    assert wizard is not None
    _type(qtbot, wizard, "assessorName", ANSWERS["assessorName"])
    _type(qtbot, wizard, "assessorId", ANSWERS["assessorId"])
    _next(qtbot, wizard)
    _type(qtbot, wizard, "centreName", ANSWERS["centreName"])
    _type(qtbot, wizard, "centreNumber", "58#13")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.centre and "centre number" in wizard.centre.error.text()
    _type(qtbot, wizard, "centreNumber", ANSWERS["centreNumber"])
    _next(qtbot, wizard)
    _type(qtbot, wizard, "keyPassphrase", "correct horse battery staple")
    _type(qtbot, wizard, "keyPassphraseAgain", "correct horse battery stapel")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.key and "differ" in wizard.key.error.text()
    _type(qtbot, wizard, "keyPassphraseAgain", "correct horse battery staple")
    _next(qtbot, wizard)
    assert "Jo Carter" in wizard.key.note.text()
    # the chosen passphrase opens the data key and the signing key; the keyring keeps it
    assert passphrase_chosen(spec_store)
    check_passphrase(spec_store.db_path, "correct horse battery staple")
    assert load_or_create_identity(spec_store, passphrase="correct horse battery staple").name
    assert load_or_create_identity(spec_store).name == "Jo Carter"
    _type(qtbot, wizard, "syncUrl", dav_server.url)
    _type(qtbot, wizard, "syncUser", dav_server.user)
    _type(qtbot, wizard, "syncPassword", PASSWORD)
    qtbot.mouseClick(wizard.sync.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.sync.result.text().startswith("✓"), timeout=WAIT_MS)
    with qtbot.waitSignal(first_run.setup_done, timeout=WAIT_MS):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton),
                         Qt.MouseButton.LeftButton)
    assert load_profile(spec_store) == AssessorProfile(*ANSWERS.values())
    assert (spec_store.files_dir / "keys" / "assessor.p12").exists()
    sync = read_sync_settings(spec_store)
    assert sync is not None and sync.base_url.rstrip("/") == dav_server.url.rstrip("/")
    settle(qtbot, window)  # the window reads the saved profile again in the background
    assert window.assessor_name() == "Jo Carter"

    # Settings edits the same profile
    dlg = SettingsDialog(app_settings, window, spec_store)
    qtbot.addWidget(dlg)
    assert dlg.centre_number.text() == "58213"
    dlg.centre_number.setText("58214")
    dlg.accept()
    assert load_profile(spec_store).centre_number == "58214"

    # the demo, opened afterwards, leaves this profile and this database's learners alone
    opened = []
    window.open_demo(opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=WAIT_MS)
    demo = opened[0]
    qtbot.addWidget(demo)
    assert demo.store.db_path == demo_db_path(spec_store.db_path)
    assert load_profile(spec_store).assessor_name == "Jo Carter"
    assert load_profile(demo.store).centre_name == ""
    learner = add_learner(spec_store, "Real Person", "R900")
    enrol(spec_store, learner.id, "H/601/1232")  # type: ignore[arg-type]
    from assessor_app.ers.layout import render_ers
    from assessor_app.ers.view import draft_view
    from assessor_app.specs.queries import latest_unit_version
    from tests.ers.pdftext import pdf_text

    with spec_store.read_session() as s:
        version = latest_unit_version(s, "H/601/1232")
        text = pdf_text(render_ers(draft_view(s, learner.id, version.id)))  # type: ignore[arg-type,union-attr]
    assert "Riverside Skills College" in text and "58214" in text
    for demo_person in ("Priya Shah", "Sam Lee", "Alex Morgan", "Corner Shop"):
        assert demo_person not in text
    demo.close()
