"""Sync settings (test connection against a real WebDAV server, password to the keyring) and the
bundle export dialog (progress, cancel, a verifiable signed zip)."""

from __future__ import annotations

from pathlib import Path

import keyring
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor_app.gui.dialogs.bundle_dialog import BundleExportDialog
from assessor_app.gui.dialogs.sync_settings_dialog import KEEP_PASSWORD_HINT, SyncSettingsDialog
from assessor_app.gui.support.workers import wait_for_all
from assessor_app.gui.support.workers_sync import export_bundle_job
from assessor_app.store import Store
from assessor_app.sync.bundle_verify import verify_bundle
from assessor_app.sync.settings import load_settings, resolve_password
from tests.gui.conftest import settle
from tests.sync.helpers import file_ers
from tests.webdav_server import PASSWORD, DavServer, dav_server  # noqa: F401 - fixture


def fill(qtbot: QtBot, dlg: SyncSettingsDialog, url: str, user: str, password: str) -> None:
    for edit, value in ((dlg.url, url), (dlg.username, user), (dlg.password, password)):
        edit.clear()
        qtbot.keyClicks(edit, value)


def test_test_connection_then_save(qtbot: QtBot, store: Store,
                                   dav_server: DavServer) -> None:  # noqa: F811
    dlg = SyncSettingsDialog(store)
    qtbot.addWidget(dlg)
    dlg.show()
    fill(qtbot, dlg, dav_server.url, dav_server.user, "wrong")
    qtbot.mouseClick(dlg.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled(), timeout=10_000)
    assert dlg.test_result.text().startswith("⚠") and "refused the login" in dlg.test_result.text()
    fill(qtbot, dlg, dav_server.url, dav_server.user, PASSWORD)
    qtbot.mouseClick(dlg.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled(), timeout=10_000)
    assert dlg.test_result.text().startswith("✓")
    with store.session() as s:
        assert load_settings(s) is None  # testing saves nothing
    dlg.save()
    assert dlg.result() == dlg.DialogCode.Accepted
    with store.session() as s:
        saved = load_settings(s)
    assert saved is not None and saved.base_url == dav_server.url
    assert resolve_password(saved) == PASSWORD  # in the (test) keyring, not the database
    again = SyncSettingsDialog(store)
    qtbot.addWidget(again)
    assert again.password.text() == "" and again.password.placeholderText() == KEEP_PASSWORD_HINT


def test_invalid_address_is_explained(qtbot: QtBot, store: Store) -> None:
    dlg = SyncSettingsDialog(store)
    qtbot.addWidget(dlg)
    dlg.show()
    fill(qtbot, dlg, "files.example.org", "me", "pw")
    dlg.save()
    assert dlg.banner.isVisible() and "full http(s):// URL" in dlg.banner.text()
    assert dlg.result() != dlg.DialogCode.Accepted


def test_no_keyring_is_said_honestly(qtbot: QtBot, store: Store,
                                     dav_server: DavServer) -> None:  # noqa: F811
    keyring.set_keyring(FailKeyring())  # the autouse fixture restores the previous backend
    dlg = SyncSettingsDialog(store)
    qtbot.addWidget(dlg)
    dlg.show()
    fill(qtbot, dlg, dav_server.url, dav_server.user, PASSWORD)
    dlg.save()
    assert dlg.isVisible()
    assert "password was not" in dlg.banner.text() and "keyring" in dlg.banner.text()
    with store.session() as s:
        assert load_settings(s) is not None  # the rest is saved
    assert not list(Path(store.files_dir).rglob("*password*"))


def test_export_bundle_from_the_dialog(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    file_ers(store, "bundle me", registration="R1001")
    file_ers(store, "other learner", registration="R2002")
    dlg = BundleExportDialog(store)
    qtbot.addWidget(dlg)
    dlg.show()
    settle(qtbot, dlg)
    out = tmp_path / "out" / "bundle.zip"
    dlg.path.setText(str(out))
    dlg.learner.setCurrentIndex(dlg.learner.findData("R1001"))
    with qtbot.waitSignal(dlg.exported, timeout=20_000) as sig:
        qtbot.mouseClick(dlg.export_button, Qt.MouseButton.LeftButton)
        assert dlg.is_running() and not dlg.export_button.isEnabled()
    assert sig.args == [str(out)]
    assert dlg.bar.value() == 100 and "Exported" in dlg.status.text()
    report = verify_bundle(out)
    assert report.ok, report.problems
    assert [lr["registration"] for lr in report.manifest["learners"]] == ["R1001"]
    assert dlg.cancel_button.text() == "Close"


def test_cancelled_export_writes_nothing(store: Store, tmp_path: Path) -> None:
    """The dialog's Cancel reaches the export through the progress callback."""
    file_ers(store, "bundle me")
    folder = tmp_path / "exports"
    folder.mkdir()
    outcome = export_bundle_job(store, folder / "bundle.zip", learner_registration=None,
                                since=None, cancelled=lambda: True)
    assert outcome.cancelled
    assert list(folder.iterdir()) == []


def test_cancel_button_while_running(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    for i in range(20):
        file_ers(store, f"doc {i}", padding=400)
    dlg = BundleExportDialog(store)
    qtbot.addWidget(dlg)
    dlg.show()
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "bundle.zip"
    dlg.path.setText(str(out))
    qtbot.mouseClick(dlg.export_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dlg.cancel_button, Qt.MouseButton.LeftButton)
    assert not dlg.is_running() and dlg.export_button.isEnabled()
    assert "cancelled" in dlg.status.text()
    assert dlg.isVisible()  # Cancel stopped the export; it did not close the dialog
    wait_for_all()
    # Either the cancel landed (nothing written) or the export had already finished whole.
    assert not out.exists() or verify_bundle(out).ok
    assert [p for p in folder.iterdir() if ".tmp" in p.name] == []
