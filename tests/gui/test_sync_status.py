"""The status bar's sync widget against a real local WebDAV server (WsgiDAV on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox
from pytestqt.qtbot import QtBot

from assessor_app.gui.screens.sync_status import SyncController, SyncState
from assessor_app.gui.support.workers import wait_for_all
from assessor_app.store import Store
from assessor_app.sync.settings import SyncSettings, save_settings, store_password
from tests.gui.conftest import click
from tests.sync.helpers import file_ers, remote_pdfs
from tests.webdav_server import PASSWORD, DavServer, dav_server  # noqa: F401 - fixture

WAIT = 15_000


def configure(store: Store, server: DavServer, password: str = PASSWORD) -> None:
    settings = SyncSettings(base_url=server.url, username=server.user, centre="Centre 12")
    with store.session() as s:
        save_settings(s, settings)
    store_password(settings, password)


@pytest.fixture
def controller(qtbot: QtBot, store: Store) -> Iterator[SyncController]:
    c = SyncController(store, probe_interval_ms=3_600_000, watch_network=False)
    qtbot.addWidget(c.widget)
    c.widget.show()
    yield c
    c.shutdown()
    wait_for_all()


def wait_state(qtbot: QtBot, c: SyncController, state: SyncState) -> None:
    qtbot.waitUntil(lambda: c.state == state and c._read_job is None and c._sync_job is None,
                    timeout=WAIT)


def test_not_set_up_says_so_and_counts_the_queue(qtbot: QtBot, store: Store) -> None:
    file_ers(store, "one")
    c = SyncController(store, probe_interval_ms=3_600_000, watch_network=False)
    qtbot.addWidget(c.widget)
    wait_state(qtbot, c, SyncState.NOT_CONFIGURED)
    assert "not set up" in c.widget.label.text() and "1 ERS queued" in c.widget.label.text()
    with qtbot.waitSignal(c.settings_requested):
        c.sync_now()  # with nothing configured, "Sync now" opens the settings instead
    c.shutdown()


def test_queued_then_syncing_then_all_sent(qtbot: QtBot, store: Store, controller,
                                           dav_server: DavServer) -> None:  # noqa: F811
    """"3 to send" → Sync now → a progress bar while sending → "All sent" and a last-sync time;
    the PDFs are on the server."""
    configure(store, dav_server)
    for name in ("a", "b", "c"):
        file_ers(store, name, padding=200)
    controller.refresh()
    wait_state(qtbot, controller, SyncState.QUEUED)
    assert controller.widget.label.text().endswith("3 to send")
    assert controller.widget.last.text() == ""
    seen: list[str] = []
    controller.state_changed.connect(lambda state, _text: seen.append(state))
    controller.sync_now()
    assert controller.state == SyncState.SYNCING
    assert controller.widget.bar.isVisibleTo(controller.widget)
    assert not controller.action.isEnabled()
    wait_state(qtbot, controller, SyncState.ALL_SENT)
    assert "syncing" in seen
    assert controller.widget.label.text().endswith("All sent")
    assert not controller.widget.bar.isVisibleTo(controller.widget)
    assert controller.widget.last.text().startswith("Last sync ")
    assert len(remote_pdfs(dav_server.root)) == 3


def test_offline_then_back_sends_by_itself(qtbot: QtBot, store: Store, controller,
                                           dav_server: DavServer) -> None:  # noqa: F811
    """With the server down the probe says offline; when it is back, the probe sends."""
    configure(store, dav_server)
    file_ers(store, "while offline")
    dav_server.stop()
    controller.probe()
    wait_state(qtbot, controller, SyncState.OFFLINE)
    assert "Offline · 1 ERS queued" in controller.widget.label.text()
    # "Sync now" while offline tries, fails to connect, and stays offline (not an error).
    controller.sync_now()
    wait_state(qtbot, controller, SyncState.OFFLINE)
    dav_server.start()
    controller.probe()
    wait_state(qtbot, controller, SyncState.ALL_SENT)
    assert len(remote_pdfs(dav_server.root)) == 1


def test_wrong_password_is_an_error_with_details(qtbot: QtBot, store: Store, controller,
                                                 dav_server: DavServer) -> None:  # noqa: F811
    configure(store, dav_server, password="wrong")
    file_ers(store, "refused")
    controller.refresh()
    wait_state(qtbot, controller, SyncState.QUEUED)
    controller.sync_now()
    wait_state(qtbot, controller, SyncState.ERROR)
    assert "login refused" in controller.widget.label.text()
    click(controller.widget.label)
    box = controller.details_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "username/password" in box.text()
    assert "1 ERS waiting" in box.informativeText()
    assert "Traceback" not in box.text() + box.informativeText()
    # Fix the password, then "Try again now" from the details box sends it.
    configure(store, dav_server)
    retry = next(b for b in box.buttons() if b.text() == "Try again now")
    click(retry)
    wait_state(qtbot, controller, SyncState.ALL_SENT)
    assert len(remote_pdfs(dav_server.root)) == 1


def test_install_adds_status_widget_and_shortcut(qtbot: QtBot, store: Store) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    menu = window.menuBar().addMenu("&Tools")
    c = SyncController(store, window, probe_interval_ms=3_600_000, watch_network=False)
    c.install(window, menu)
    assert c.widget.parent() is not None and window.statusBar().isAncestorOf(c.widget)
    assert c.action in menu.actions()
    assert QKeySequence("F9") in c.action.shortcuts()
    assert c.timer.isActive() and c.timer.interval() == 3_600_000
    c.shutdown()
    wait_for_all()


def test_network_information_without_a_backend_is_harmless(qtbot: QtBot, store: Store) -> None:
    """Whether or not a QNetworkInformation backend loads here, the controller starts."""
    c = SyncController(store, probe_interval_ms=3_600_000, watch_network=True)
    qtbot.addWidget(c.widget)
    wait_state(qtbot, c, SyncState.NOT_CONFIGURED)
    c.shutdown()
    wait_for_all()


def test_settings_from_the_menu_then_sync(qtbot: QtBot, store: Store,
                                          dav_server: DavServer) -> None:  # noqa: F811
    """Not set up → "Sync settings…" → save → the queued ERS goes out by itself."""
    file_ers(store, "first")
    window = QMainWindow()
    qtbot.addWidget(window)
    menu = window.menuBar().addMenu("&Tools")
    c = SyncController(store, window, probe_interval_ms=3_600_000, watch_network=False)
    c.install(window, menu)
    window.show()
    wait_state(qtbot, c, SyncState.NOT_CONFIGURED)
    assert c.settings_action in menu.actions() and c.bundle_action in menu.actions()
    dialog = c.open_settings()
    dialog.url.setText(dav_server.url)
    dialog.username.setText(dav_server.user)
    dialog.password.setText(PASSWORD)
    dialog.save()
    wait_state(qtbot, c, SyncState.ALL_SENT)
    assert len(remote_pdfs(dav_server.root)) == 1
    c.shutdown()
    wait_for_all()
