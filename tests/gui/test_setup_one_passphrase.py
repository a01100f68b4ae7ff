"""First run on a computer with no keyring (headless Linux) and no passphrase in the
environment: the app asks for a passphrase at start, the set-up wizard has it typed twice (the
same or a new one), and from then on that ONE passphrase wraps the data key and protects the
signing key; nothing secret lies on disk in the clear, and the next start asks for it again.
With a keyring, the chosen passphrase replaces the random one the keyring held until set-up."""

from __future__ import annotations

import base64
from pathlib import Path

import keyring
import pytest
from cryptography.hazmat.primitives import serialization
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot
from sqlmodel import select

from assessor_app.gui.dialogs.first_run import FirstRun
from assessor_app.gui.dialogs.setup_wizard import NO_KEYRING_NOTE, SetupWizard
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.gui.support.settings import AppSettings
from assessor_app.gui.support.store_opening import open_store_for_gui
from assessor_app.signoff.keys import WrongPassphrase, load_or_create_identity
from assessor_app.store import Store
from assessor_app.store.models import AuditEntry
from assessor_app.vault.errors import WrongPassphrase as DataKeyRefused
from assessor_app.vault.keys import key_file_path, read_key_file, unwrap_with_passphrase
from tests.gui.conftest import WAIT_MS
from tests.gui.wizard_steps import _next, _type
from tests.vault.helpers import all_file_bytes

START = "typed at the first start"
CHOSEN = "chosen in the set-up wizard"


def _first_start(qtbot: QtBot, db: Path, app_settings: AppSettings, *,
                 keyring_present: bool = False) -> tuple[Store, SetupWizard]:
    asked: list[str] = []
    store = open_store_for_gui(db, ask=lambda message: asked.append(message) or START)
    assert store is not None
    if keyring_present:
        assert asked == []
    else:
        assert len(asked) == 1 and "keyring" in asked[0] and "passphrase" in asked[0]
    window = MainWindow(store, app_settings)
    qtbot.addWidget(window)
    window.show()
    first_run = FirstRun(window, offer_demo=False, offer_setup=True)
    first_run.start()
    qtbot.waitUntil(lambda: first_run.wizard is not None and first_run.wizard.isVisible(),
                    timeout=WAIT_MS)
    wizard = first_run.wizard
    assert wizard is not None
    _type(qtbot, wizard, "assessorName", "Jo Carter")
    _next(qtbot, wizard)
    _type(qtbot, wizard, "centreName", "Riverside Skills College")
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.key
    assert (wizard.key.note.text() == NO_KEYRING_NOTE) != keyring_present
    return store, wizard


def _secrets_in_memory(store: Store, passphrase: str) -> list[bytes]:
    """Every secret that must never be found in a file: the data key (raw, hex, base64), the
    passphrase, and the signing and sync private keys."""
    raw = store.key.raw
    identity = load_or_create_identity(store, passphrase=passphrase)
    ec_scalar = identity.private_key.private_numbers().private_value.to_bytes(32, "big")
    ed = identity.sync_key.private_bytes(serialization.Encoding.Raw,
                                         serialization.PrivateFormat.Raw,
                                         serialization.NoEncryption())
    return [raw, raw.hex().encode(), base64.b64encode(raw), passphrase.encode(), START.encode(),
            ec_scalar, ed, base64.b64encode(ed)]


@pytest.mark.parametrize("chosen", [CHOSEN, START])
def test_no_keyring_first_run_ends_with_one_passphrase(
        chosen: str, qtbot: QtBot, tmp_path: Path, app_settings: AppSettings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(FailKeyring())  # the autouse fixture restores the memory keyring
    monkeypatch.delenv("ASSESSOR_APP_KEY_PASSPHRASE", raising=False)
    db = tmp_path / "data" / "assessor.sqlite3"
    store, wizard = _first_start(qtbot, db, app_settings)

    # leaving it empty is not enough: the passphrase typed once at start is confirmed here
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.key and "at least" in wizard.key.error.text()
    _type(qtbot, wizard, "keyPassphrase", chosen)
    _type(qtbot, wizard, "keyPassphraseAgain", chosen)
    _next(qtbot, wizard)
    assert "Jo Carter" in wizard.key.note.text()
    assert store.typed_passphrase == chosen  # what this session signs with

    # the one passphrase unwraps the data key (there is no keyring wrap) and opens the keys
    kf = read_key_file(key_file_path(db))
    assert kf is not None and kf.keyring is None and kf.chosen
    assert unwrap_with_passphrase(kf.key_id, kf.passphrase, chosen).raw == store.key.raw
    assert load_or_create_identity(store, passphrase=chosen).name == "Jo Carter"
    if chosen != START:
        with pytest.raises(DataKeyRefused):
            unwrap_with_passphrase(kf.key_id, kf.passphrase, START)
        with pytest.raises(WrongPassphrase):
            load_or_create_identity(store, passphrase=START)
    with store.read_session() as s:  # set-up is in the audit trail, without the values
        setup = {e.action: e.details_json for e in s.exec(select(AuditEntry)).all()
                 if e.action.startswith("setup.")}
    assert set(setup) == {"setup.profile", "setup.signing_key"}
    assert not any(word in text for text in setup.values() for word in ("Jo", "Riverside"))
    secrets = _secrets_in_memory(store, chosen)
    wizard.close()
    store.close()
    for path, data in all_file_bytes(db.parent):
        for secret in secrets:
            assert secret not in data, path

    # the next start asks again, refuses a wrong answer, opens with the chosen one
    answers = iter(["not my passphrase", chosen])
    asked: list[str] = []
    again = open_store_for_gui(db, ask=lambda message: asked.append(message) or next(answers))
    assert again is not None and again.key.raw == secrets[0]
    assert len(asked) == 2 and "does not open" in asked[1]
    again.close()


def test_with_a_keyring_the_chosen_passphrase_replaces_the_random_one(
        qtbot: QtBot, tmp_path: Path, app_settings: AppSettings, memory_keyring,  # noqa: ANN001
        monkeypatch: pytest.MonkeyPatch) -> None:
    from assessor_app.secrets import SERVICE
    from assessor_app.signoff.keys import PASSPHRASE_SECRET

    monkeypatch.delenv("ASSESSOR_APP_KEY_PASSPHRASE", raising=False)
    db = tmp_path / "data" / "assessor.sqlite3"
    store, wizard = _first_start(qtbot, db, app_settings, keyring_present=True)
    made = memory_keyring.get_password(SERVICE, PASSPHRASE_SECRET)  # random, until set-up
    _type(qtbot, wizard, "keyPassphrase", CHOSEN)
    _type(qtbot, wizard, "keyPassphraseAgain", CHOSEN)
    _next(qtbot, wizard)
    kf = read_key_file(key_file_path(db))
    assert kf is not None and kf.keyring is not None and kf.chosen  # wrapped both ways
    assert unwrap_with_passphrase(kf.key_id, kf.passphrase, CHOSEN).raw == store.key.raw
    with pytest.raises(DataKeyRefused):
        unwrap_with_passphrase(kf.key_id, kf.passphrase, made)
    assert memory_keyring.get_password(SERVICE, PASSPHRASE_SECRET) == CHOSEN
    assert load_or_create_identity(store).name == "Jo Carter"  # the keyring's copy opens it
    secrets = [*_secrets_in_memory(store, CHOSEN), made.encode(),
               *(v.encode() for v in memory_keyring.secrets.values())]
    wizard.close()
    store.close()
    for path, data in all_file_bytes(db.parent):
        for secret in secrets:
            assert secret not in data, path


def test_a_change_from_settings_follows_into_the_session_without_a_keyring(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assessor_app.gui.dialogs.passphrase_dialog import PassphraseDialog

    keyring.set_keyring(FailKeyring())
    monkeypatch.delenv("ASSESSOR_APP_KEY_PASSPHRASE", raising=False)
    store = open_store_for_gui(tmp_path / "d" / "assessor.sqlite3", ask=lambda _m: START)
    assert store is not None and store.typed_passphrase == START
    load_or_create_identity(store, passphrase=START)
    dialog = PassphraseDialog(store)
    qtbot.addWidget(dialog)
    dialog.old.setText(START)
    dialog.new.setText(CHOSEN)
    dialog.confirm.setText(CHOSEN)
    dialog.accept()
    qtbot.waitUntil(lambda: dialog.changed, timeout=WAIT_MS)
    assert store.typed_passphrase == CHOSEN  # what this session now unlocks and signs with
    assert load_or_create_identity(store, passphrase=store.typed_passphrase).name
    store.close()
