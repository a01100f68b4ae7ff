"""The sync status in the status bar, "Sync now", and sending by itself when the centre is back.

    controller = SyncController(store, main_window)
    controller.install(main_window, menu=tools_menu)   # status-bar widget + "Sync now" (F9)
    dialog.filed.connect(lambda _id: controller.refresh(sync_if_online=True))

States: not set up, queued ("3 to send"), syncing (progress bar), all sent, error (plain reason;
click for details and what to do), offline. A cheap probe runs every minute in the background,
and at once when the operating system reports the network back (QNetworkInformation, where a
backend exists); when the centre is reachable and something is queued, a sync starts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent
from PySide6.QtNetwork import QNetworkInformation
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QStatusBar,
    QToolButton,
    QWidget,
)

from assessor_app.gui.support.workers import Job, run_in_background
from assessor_app.gui.support.workers_sync import (
    ProbeOutcome,
    SyncOutcome,
    backup_after_sync,
    probe_centre,
    run_sync,
)
from assessor_app.store import Store
from assessor_app.sync.status_read import OutboxSnapshot, read_outbox

log = logging.getLogger(__name__)

PROBE_INTERVAL_MS = 60_000
SYNC_SHORTCUTS = ("F9", "Ctrl+Shift+Y")


class SyncState(StrEnum):
    NOT_CONFIGURED = "not_configured"
    QUEUED = "queued"
    SYNCING = "syncing"
    ALL_SENT = "all_sent"
    ERROR = "error"
    OFFLINE = "offline"


def _count(n: int) -> str:
    return f"{n} ERS" if n != 1 else "1 ERS"


def _when(dt: datetime) -> str:
    local = dt.astimezone()
    today = datetime.now().astimezone().date()
    return f"{local:%H:%M}" if local.date() == today else f"{local.day} {local:%b %H:%M}"


class _ClickableLabel(QLabel):
    clicked = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class SyncStatusWidget(QWidget):
    """Status text, a progress bar while sending, last sync time and a Sync now button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = _ClickableLabel()
        self.label.setAccessibleName("Sync status")
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setMaximumWidth(160)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.bar.hide()
        self.last = QLabel()
        self.last.setAccessibleName("Last sync")
        self.button = QToolButton()
        self.button.setText("Sync now")
        self.button.setAutoRaise(True)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 0, 4, 0)
        lay.setSpacing(10)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addWidget(self.last)
        lay.addWidget(self.button)

    def show_state(self, state: SyncState, text: str, tooltip: str) -> None:
        symbol = {SyncState.ERROR: "⚠ ", SyncState.OFFLINE: "⊘ ", SyncState.ALL_SENT: "✓ ",
                  SyncState.SYNCING: "⇅ ", SyncState.QUEUED: "↑ "}.get(state, "")
        self.label.setText(symbol + text)
        self.label.setToolTip(tooltip)
        clickable = state in (SyncState.ERROR, SyncState.NOT_CONFIGURED, SyncState.OFFLINE)
        self.label.setCursor(Qt.CursorShape.PointingHandCursor if clickable
                             else Qt.CursorShape.ArrowCursor)
        self.bar.setVisible(state == SyncState.SYNCING)
        self.button.setEnabled(state not in (SyncState.SYNCING,))


class SyncController(QObject):
    """Owns the sync status widget, the probe timer and the background sync jobs."""

    state_changed = Signal(str, str)  # state, the text shown
    settings_requested = Signal()  # the user asked to fix the settings (not set up, login refused)
    backup_reported = Signal(str)  # after a sync's background backup: what happened

    def __init__(self, store: Store, parent: QObject | None = None, *,
                 probe_interval_ms: int = PROBE_INTERVAL_MS, watch_network: bool = True,
                 gate: Callable[[Callable[[], object]], None] | None = None) -> None:
        """`gate(command)`: runs a command that needs the ORM once the window has loaded it
        (`MainWindow.when_open`); without one, at once."""
        super().__init__(parent)
        gate = gate or (lambda command: command())
        self.store = store
        self.widget = SyncStatusWidget()
        self.state = SyncState.QUEUED
        self.text = ""
        self.detail = ""  # technical detail of the last error, for the details box
        self.pending = 0
        self.configured = False
        self.last_sync: datetime | None = None
        self._offline = False
        self._sync_job: Job | None = None
        self._probe_job: Job | None = None
        self._read_job: Job | None = None
        self._backup_job: Job | None = None
        self.backup_message = ""  # the last background backup's sentence (also in the bar)
        self._status_bar: QStatusBar | None = None
        self._sync_after_read = False
        self._read_again = False
        self._automatic = False  # whether the running sync was started by a timer/reconnect
        self._dialog_parent: QWidget | None = None
        self._problem = ""  # the full sentence behind an error state
        self.details_box: QMessageBox | None = None

        self.settings_action = QAction("Sync settings…", self)
        self.settings_action.triggered.connect(lambda: self.open_settings())
        self.bundle_action = QAction("Export sync bundle…", self)
        self.bundle_action.triggered.connect(lambda: gate(self.open_bundle_export))
        self.action = QAction("Sync now", self)
        self.action.setShortcuts([QKeySequence(k) for k in SYNC_SHORTCUTS])
        self.action.setStatusTip("Send filed Evidence Record Sheets to the centre now")
        self.action.triggered.connect(self.sync_now)
        self.widget.button.clicked.connect(self.sync_now)
        self.widget.button.setToolTip(f"Send filed ERSs to the centre now ({SYNC_SHORTCUTS[0]})")
        self.widget.label.clicked.connect(self.show_details)

        self.timer = QTimer(self)
        self.timer.setInterval(probe_interval_ms)
        self.timer.timeout.connect(self.probe)
        self.network: QNetworkInformation | None = self._watch_network() if watch_network else None
        self.refresh()
        self.timer.start()

    # -- wiring into the main window -----------------------------------------------------------

    def install(self, main_window: QMainWindow, menu: QMenu | None = None) -> None:
        """Add the permanent status-bar widget and the "Sync now" action (F9 / Ctrl+Shift+Y);
        with a menu, also "Sync settings…" and "Export sync bundle…". Requests to fix the
        settings (status clicked while not set up, or from the error details) open the settings
        dialog over `main_window`."""
        main_window.statusBar().addPermanentWidget(self.widget)
        self._status_bar = main_window.statusBar()
        if menu is not None:
            menu.addAction(self.action)
            menu.addAction(self.settings_action)
            menu.addAction(self.bundle_action)
        else:
            main_window.addAction(self.action)  # the shortcut still works without a menu
        self._dialog_parent = main_window
        self.settings_requested.connect(lambda: self.open_settings())
        main_window.destroyed.connect(self.shutdown)

    def open_settings(self) -> QDialog:
        """The sync settings dialog (window-modal); the status is re-read when it is saved."""
        from assessor_app.gui.dialogs.sync_settings_dialog import SyncSettingsDialog

        dialog = SyncSettingsDialog(self.store, self._dialog_parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.accepted.connect(lambda: self.refresh(sync_if_online=True))
        dialog.open()
        return dialog

    def open_bundle_export(self, learner_id: int | None = None) -> QDialog:
        from assessor_app.gui.dialogs.bundle_dialog import BundleExportDialog

        dialog = BundleExportDialog(self.store, self._dialog_parent, learner_id=learner_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
        return dialog

    def shutdown(self) -> None:
        self.timer.stop()
        for job in (self._sync_job, self._probe_job, self._read_job):
            if job is not None:
                job.cancel()

    def _watch_network(self) -> QNetworkInformation | None:
        """Reachability changes from the OS, if a backend loads here (none on many Linux set-ups
        without NetworkManager, and none offscreen); the timer covers the rest."""
        try:
            if not QNetworkInformation.loadDefaultBackend():
                return None
            info = QNetworkInformation.instance()
        except Exception:  # noqa: BLE001 - no backend is a normal situation, not an error
            log.info("no network information backend; relying on the probe timer")
            return None
        if info is None:
            return None
        info.reachabilityChanged.connect(self._reachability_changed)
        return info

    def _reachability_changed(self, reachability: QNetworkInformation.Reachability) -> None:
        if reachability == QNetworkInformation.Reachability.Disconnected:
            self._offline = True
            self._show_idle()
        else:
            self.probe()

    # -- state ---------------------------------------------------------------------------------

    def _set(self, state: SyncState, text: str, tooltip: str = "") -> None:
        self.state = state
        self.text = text
        last = f"Last sync {_when(self.last_sync)}" if self.last_sync else ""
        self.widget.last.setText(last)
        self.widget.show_state(state, text, tooltip or text)
        self.action.setEnabled(state != SyncState.SYNCING)
        self.state_changed.emit(state.value, text)

    def _show_idle(self) -> None:
        """Queued / all sent / offline / not set up, from the last outbox reading."""
        if self.state == SyncState.SYNCING:
            return
        n = self.pending
        if not self.configured:
            self._set(SyncState.NOT_CONFIGURED,
                      f"Sync not set up · {_count(n)} queued" if n else "Sync not set up",
                      "Click to enter the centre's server address, username and password.")
        elif self.state == SyncState.ERROR and n:
            self._set(SyncState.ERROR, self.text, self.widget.label.toolTip())
        elif self._offline:
            self._set(SyncState.OFFLINE,
                      f"Offline · {_count(n)} queued" if n else "Offline",
                      "The centre's server cannot be reached. Filed ERSs stay queued and are "
                      "sent automatically when the connection is back.")
        elif n:
            self._set(SyncState.QUEUED, f"{n} to send",
                      f"{_count(n)} waiting to go to the centre. Press Sync now (F9) to send.")
        else:
            self._set(SyncState.ALL_SENT, "All sent", "Every filed ERS is on the centre's server.")

    def refresh(self, sync_if_online: bool = False) -> None:
        """Re-read the outbox in the background (after filing, or settings changed)."""
        self._sync_after_read = self._sync_after_read or sync_if_online
        if self._read_job is not None:
            self._read_again = True  # the reading in flight may predate the change
            return
        self._read_job = run_in_background(read_outbox, self.store, on_done=self._read,
                                           on_error=self._read_failed)

    def _read(self, snap: OutboxSnapshot) -> None:
        self._read_job = None
        if self._read_again:
            self._read_again = False
            self.refresh()
            return
        self.pending = snap.status.pending
        self.configured = snap.configured
        if snap.last_sent_at and (self.last_sync is None or snap.last_sent_at > self.last_sync):
            self.last_sync = snap.last_sent_at
        if snap.status.failed and self.state != SyncState.SYNCING:
            # Items wait for the user; keep the run's own message and detail if we have them.
            if self.state != SyncState.ERROR or not self._problem:
                self._problem = snap.status.problem or "A file could not be sent to the centre."
                self.detail = ""
            self._set(SyncState.ERROR, _short(self._problem), self._problem)
        else:
            if self.state == SyncState.ERROR and not snap.status.failed and not self.pending:
                self.state = SyncState.ALL_SENT
            self._show_idle()
        if self._sync_after_read:
            self._sync_after_read = False
            if self.pending and self.configured and not self._offline:
                self._start_sync(automatic=True)

    def _read_failed(self, message: str) -> None:
        self._read_job = None
        self._read_again = False
        self._set(SyncState.ERROR, "Sync status unavailable", message)

    # -- probing -------------------------------------------------------------------------------

    def probe(self) -> None:
        """Cheap reachability check in the background; sends if the centre is back."""
        if self._probe_job is not None or self._sync_job is not None:
            return
        self._probe_job = run_in_background(probe_centre, self.store, on_done=self._probed,
                                            on_error=self._probe_failed)

    def _probed(self, result: ProbeOutcome) -> None:
        self._probe_job = None
        self.configured = result.configured
        self.pending = result.pending
        if not result.configured:
            self._show_idle()
            return
        if not result.reachable:
            self._offline = True
            self._show_idle()
            return
        was_offline, self._offline = self._offline, False
        if not result.authorised:
            self._error(result.message, "")
            return
        if self.state == SyncState.ERROR and self._problem_is_connection():
            self.state = SyncState.QUEUED  # the centre answers again: clear the old complaint
        if result.pending:
            # Just back online: the centre answers, so do not wait out the retry delays that
            # piled up while it could not be reached.
            self._start_sync(automatic=True, respect_backoff=not was_offline)
        else:
            self._show_idle()

    def _probe_failed(self, message: str) -> None:
        self._probe_job = None
        self._error(message, "")

    def _problem_is_connection(self) -> bool:
        return "login" in self.text or "cannot be reached" in self.text

    # -- syncing -------------------------------------------------------------------------------

    def sync_now(self) -> None:
        """The user's "Sync now": retries everything, including items that failed before."""
        # Started even when the last reading said "not set up": that reading may be stale, and
        # the run itself reports not_configured, which then asks for the settings.
        self._start_sync(automatic=False)

    def is_syncing(self) -> bool:
        return self._sync_job is not None

    def _start_sync(self, *, automatic: bool, respect_backoff: bool | None = None) -> None:
        if self._sync_job is not None:
            return
        self._automatic = automatic
        self.widget.bar.setValue(0)
        self._set(SyncState.SYNCING, "Sending…")
        self._sync_job = run_in_background(
            run_sync, self.store, automatic=automatic,
            respect_backoff=automatic if respect_backoff is None else respect_backoff,
            on_done=self._synced,
            on_error=self._sync_failed, on_progress=self._progress, writes=True)

    def _progress(self, percent: int, text: str) -> None:
        if self.state == SyncState.SYNCING:
            self.widget.bar.setValue(percent)
            self.widget.label.setText("⇅ " + (text + "…" if text else "Sending…"))

    def _synced(self, outcome: SyncOutcome) -> None:
        self._sync_job = None
        self.pending = outcome.remaining
        if outcome.kind == "not_configured":
            self.configured = False
            self.state = SyncState.QUEUED
            self.refresh()
            if not self._automatic:
                self.settings_requested.emit()
            return
        self.state = SyncState.QUEUED  # leave "syncing" before showing the result
        if outcome.kind == "offline":
            self._offline = True
            self.detail = outcome.detail
            self.refresh()
            return
        self._offline = False
        if outcome.kind == "error":
            self._error(outcome.message, outcome.detail)
            self.refresh()
            return
        if outcome.kind == "done":
            self.last_sync = outcome.finished_at
            self._start_backup()
        self.refresh()

    def _start_backup(self) -> None:
        """Every successful sync also backs up, in the background, as `sync run` does."""
        if self._backup_job is not None:
            return
        self._report_backup("Backing up to the centre…")
        self._backup_job = run_in_background(backup_after_sync, self.store,
                                             on_done=self._backed_up, on_error=self._backed_up,
                                             writes=True, owner=self)

    def is_backing_up(self) -> bool:
        return self._backup_job is not None

    def _backed_up(self, message: str) -> None:
        self._backup_job = None
        self._report_backup(message)
        self.backup_reported.emit(message)

    def _report_backup(self, message: str) -> None:
        self.backup_message = message
        if self._status_bar is not None:
            self._status_bar.showMessage(message, 15_000)

    def _sync_failed(self, message: str) -> None:
        self._sync_job = None
        self.state = SyncState.QUEUED
        self._error(message, "")

    def _error(self, message: str, detail: str) -> None:
        self.detail = detail
        self._problem = message
        self._set(SyncState.ERROR, _short(message), message)

    # -- details -------------------------------------------------------------------------------

    def show_details(self) -> None:
        """Click on the status: what happened and what to do, with the technical detail folded."""
        if self.state == SyncState.NOT_CONFIGURED:
            self.settings_requested.emit()
            return
        if self.state not in (SyncState.ERROR, SyncState.OFFLINE):
            return
        problem = self._problem if self.state == SyncState.ERROR else (
            "The centre's server cannot be reached from this laptop right now.")
        box = QMessageBox(QMessageBox.Icon.Warning if self.state == SyncState.ERROR
                          else QMessageBox.Icon.Information, "Sending to the centre",
                          problem or self.text, QMessageBox.StandardButton.Close,
                          self.widget.window())
        box.setInformativeText(
            f"{_count(self.pending)} waiting. Nothing is lost: filed ERSs stay on this laptop "
            "until the centre confirms it has them." if self.pending else "")
        if self.detail:
            box.setDetailedText(self.detail)
        retry = box.addButton("Try again now", QMessageBox.ButtonRole.AcceptRole)
        settings = box.addButton("Sync settings…", QMessageBox.ButtonRole.ActionRole)
        self.details_box = box

        def answered() -> None:
            self.details_box = None
            if box.clickedButton() is retry:
                self.sync_now()
            elif box.clickedButton() is settings:
                self.settings_requested.emit()

        box.finished.connect(answered)
        box.open()


def _short(message: str) -> str:
    """The status bar has room for a few words; the full sentence is in the tooltip/details."""
    lowered = message.lower()
    if "refused the login" in lowered:
        return "Not sent: login refused — click for details"
    if "storage is full" in lowered:
        return "Not sent: centre's storage full — click for details"
    if "certificate" in lowered:
        return "Not sent: server certificate problem — click for details"
    if "password" in lowered or "keyring" in lowered:
        return "Not sent: no password stored — click for details"
    return "Not sent — click for details"
