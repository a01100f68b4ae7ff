"""The GUI's error boundary: a database that cannot be opened is a dialog (never only a line on
stderr), an exception no screen caught becomes a dialog (expected ones in plain words, bugs with
a crash report without personal data, written to the log folder), and a write that waits for
another program's lock shows "Waiting…" in the status bar.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from assessor_app.store.failures import crash_message, describe_failure, write_crash_report

if TYPE_CHECKING:
    from assessor_app.store import Store

UI_THREAD_MAX_WAIT = 2.0  # seconds the window's own thread may wait for the write lock


def explain(exc: BaseException, where: str) -> tuple[str, bool]:
    """(message, expected): the one-line text for an expected failure, else a crash report's."""
    message = describe_failure(exc)
    if message is not None:
        return message, True
    return crash_message(write_crash_report(exc, context=where)), False


def open_store_or_explain(db: str | Path | None, parent: QWidget | None = None) -> Store | int:
    """The store (unlocked, asking for the passphrase if needed), or the exit status: 1 when the
    assessor cancelled the passphrase prompt, 2 after a dialog saying why the database cannot
    be opened and what to do."""
    from assessor_app.gui.support.store_opening import open_store_for_gui
    from assessor_app.store.engine import check_before_opening

    try:
        check_before_opening(db)  # before the GUI offers to encrypt a plaintext file
        store = open_store_for_gui(db, parent=parent)
    except Exception as exc:  # noqa: BLE001 - the boundary: every failure becomes a dialog
        explain_opening_failure(exc, parent)
        return 2
    return 1 if store is None else store


def explain_opening_failure(exc: BaseException, parent: QWidget | None) -> str:
    """The dialog saying why the database cannot be opened and what to do; its message."""
    message, _expected = explain(exc, "gui start: opening the database")
    QMessageBox.critical(parent, "The database cannot be opened", message)
    return message


class WaitNotifier(QObject):
    """Carries the store's "waiting for the lock" notices (from any thread) to the UI thread."""

    changed = Signal(str)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        store.wait_hooks.add_listener(self.changed.emit)  # emitted across threads: queued
        ui_thread = threading.current_thread()
        store.wait_hooks.max_wait_here = (
            lambda: UI_THREAD_MAX_WAIT if threading.current_thread() is ui_thread else None)

    def detach(self) -> None:
        self._store.wait_hooks.remove_listener(self.changed.emit)
        self._store.wait_hooks.max_wait_here = None


class ExceptionDialogs:
    """`sys.excepthook` while the window runs: no exception ends as a traceback on stderr."""

    def __init__(self, parent: Callable[[], QWidget | None]) -> None:
        self._parent = parent
        self._previous = sys.excepthook
        self._showing = False
        self.shown: list[str] = []  # what was said, newest last (tests read it)

    def install(self) -> None:
        sys.excepthook = self._hook

    def uninstall(self) -> None:
        sys.excepthook = self._previous

    def _hook(self, kind: type[BaseException], exc: BaseException,
              tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        exc.__traceback__ = tb
        message, expected = explain(exc, "gui: an action")
        self.shown.append(message)
        if self._showing or QApplication.instance() is None:
            return  # a dialog is already up (or no app): the message is kept, not stacked
        self._showing = True
        try:
            box = QMessageBox.warning if expected else QMessageBox.critical
            box(self._parent(), "Something went wrong", message)
        finally:
            self._showing = False
