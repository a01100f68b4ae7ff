"""Settings ▸ "Change passphrase…" (typed twice, checked, then the data and signing keys open
with the new one), and the GUI's sync backing up after a successful sync, in the status bar."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from assessor_app.backup.restore import restore_backup
from assessor_app.backup.targets import FolderTarget
from assessor_app.gui.dialogs.settings_dialog import SettingsDialog
from assessor_app.gui.screens.sync_status import SyncController
from assessor_app.gui.support.settings import AppSettings
from assessor_app.gui.support.workers import wait_for_all
from assessor_app.signoff.keys import WrongPassphrase, load_or_create_identity
from assessor_app.signoff.passphrase import change_passphrase, current_passphrase
from assessor_app.store import Store
from assessor_app.vault.unlock import check_passphrase
from tests.gui.conftest import WAIT_MS, click
from tests.gui.test_sync_status import configure
from tests.sync.helpers import file_ers
from tests.webdav_server import DavServer, dav_server  # noqa: F401 - fixture

OLD = "first chosen passphrase"
NEW = "second chosen passphrase"


def test_change_passphrase_from_settings(qtbot: QtBot, store: Store,
                                         app_settings: AppSettings) -> None:
    load_or_create_identity(store)
    change_passphrase(store, current_passphrase() or "", OLD)
    settings = SettingsDialog(app_settings, None, store)
    qtbot.addWidget(settings)
    click(settings.passphrase_button)
    dialog = settings.passphrase_dialog
    assert dialog is not None and dialog.isVisible()

    dialog.old.setText(OLD)
    dialog.new.setText(NEW)
    dialog.confirm.setText(NEW + "!")
    dialog.accept()
    assert "differ" in dialog.problem.text() and dialog.isVisible()
    dialog.confirm.setText(NEW)
    dialog.old.setText("not the passphrase")
    dialog.accept()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=WAIT_MS)
    assert "current passphrase is wrong" in dialog.problem.text() and dialog.isVisible()
    check_passphrase(store.db_path, OLD)

    dialog.old.setText(OLD)
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert dialog.changed
    check_passphrase(store.db_path, NEW)
    with pytest.raises(WrongPassphrase):
        load_or_create_identity(store, passphrase=OLD)
    assert load_or_create_identity(store, passphrase=NEW).name
    assert load_or_create_identity(store).name  # the keyring's copy was updated
    wait_for_all()


def test_gui_sync_backs_up_afterwards(qtbot: QtBot, store: Store, tmp_path,  # noqa: ANN001
                                      dav_server: DavServer) -> None:  # noqa: F811
    load_or_create_identity(store)
    change_passphrase(store, current_passphrase() or "", OLD)
    configure(store, dav_server)
    file_ers(store, "one")
    window = QMainWindow()
    qtbot.addWidget(window)
    controller = SyncController(store, window, probe_interval_ms=3_600_000, watch_network=False)
    controller.install(window)
    with qtbot.waitSignal(controller.backup_reported, timeout=WAIT_MS * 3) as reported:
        controller.sync_now()
    message = reported.args[0]
    assert message.startswith("Backed up to the centre"), message
    assert window.statusBar().currentMessage() == message
    controller.shutdown()
    wait_for_all()
    # the centre's copy is a real backup that the chosen passphrase restores
    centre = next(p.parent for p in dav_server.root.rglob("backup.keys"))
    check = restore_backup(FolderTarget(centre), tmp_path / "restored" / "a.sqlite3", OLD)
    assert check.files > 0
