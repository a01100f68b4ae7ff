"""Screenshots of the sync status bar and dialogs (docs/screenshots/sync-*.png).

Set ASSESSOR_APP_SCREENSHOTS=1 to refresh the files in docs/; otherwise they go to a temp dir.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QMainWindow
from pytestqt.qtbot import QtBot

from assessor_app.gui.dialogs.bundle_dialog import BundleExportDialog
from assessor_app.gui.dialogs.sync_settings_dialog import SyncSettingsDialog
from assessor_app.gui.screens.sync_status import SyncController, SyncState
from assessor_app.gui.support.workers import wait_for_all
from assessor_app.store import Store
from tests.gui.conftest import click
from tests.gui.test_signoff_screenshots import _out_dir
from tests.gui.test_signoff_screenshots import _save as _save_now
from tests.gui.test_sync_status import configure, wait_state
from tests.sync.helpers import file_ers
from tests.webdav_server import DavServer, dav_server  # noqa: F401 - fixture


def _save(widget, path: Path) -> None:  # noqa: ANN001
    """Let the status bar re-lay itself out after the last text change, then grab."""
    QTest.qWait(100)
    _save_now(widget, path)


def test_status_bar_states(qtbot: QtBot, store: Store, tmp_path: Path,
                           dav_server: DavServer) -> None:  # noqa: F811
    out = _out_dir(tmp_path)
    window = QMainWindow()
    window.setCentralWidget(QLabel("  (main window)"))
    window.resize(1000, 120)
    qtbot.addWidget(window)
    menu = window.menuBar().addMenu("&Tools")
    c = SyncController(store, window, probe_interval_ms=3_600_000, watch_network=False)
    c.install(window, menu)
    window.show()
    qtbot.waitExposed(window)
    wait_state(qtbot, c, SyncState.NOT_CONFIGURED)
    _save(window, out / "sync-0-not-set-up.png")

    configure(store, dav_server, password="wrong")
    for i in range(3):
        file_ers(store, f"doc {i}", padding=3000)
    c.refresh()
    wait_state(qtbot, c, SyncState.QUEUED)
    _save(window, out / "sync-1-queued.png")

    c.sync_now()
    wait_state(qtbot, c, SyncState.ERROR)
    _save(window, out / "sync-2-error.png")
    click(c.widget.label)
    assert c.details_box is not None
    _save(c.details_box, out / "sync-2b-error-details.png")
    c.details_box.reject()

    configure(store, dav_server)
    c.sync_now()
    c._progress(40, "Sending 2 of 3")  # what the worker reports part-way, shown at once
    _save(window, out / "sync-3-syncing.png")
    wait_state(qtbot, c, SyncState.ALL_SENT)
    _save(window, out / "sync-4-all-sent.png")

    file_ers(store, "later")
    dav_server.stop()
    c.probe()
    wait_state(qtbot, c, SyncState.OFFLINE)
    _save(window, out / "sync-5-offline.png")
    c.shutdown()
    wait_for_all()


def test_dialog_screenshots(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    out = _out_dir(tmp_path)
    file_ers(store, "x", registration="R1001")
    settings = SyncSettingsDialog(store)
    qtbot.addWidget(settings)
    settings.url.setText("https://files.example-centre.ac.uk/remote.php/dav/files/alex/")
    settings.username.setText("alex.morgan")
    settings.show()
    qtbot.waitExposed(settings)
    _save(settings, out / "sync-6-settings.png")
    bundle = BundleExportDialog(store)
    qtbot.addWidget(bundle)
    bundle.show()
    qtbot.waitExposed(bundle)
    _save(bundle, out / "sync-7-bundle-export.png")
