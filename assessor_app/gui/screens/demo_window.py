"""Help ▸ Open the demo: the demo is built (or found) in its own database beside the assessor's,
on the background write thread, then shown in a second main window titled DEMO with settings of
its own; the assessor's store is left alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow

from assessor_app.gui.support.settings import APPLICATION, ORGANISATION, AppSettings
from assessor_app.gui.support.workers import run_in_background

if TYPE_CHECKING:
    from assessor_app.store import Store

DEMO_TITLE = "DEMO — Assessor companion (practice database, not your real records)"


class DemoHost(Protocol):
    """The assessor's main window, as far as opening the demo needs it (the window class is
    passed in, so this module does not import it)."""

    store: Store
    _demo_window: QMainWindow

    def show_status(self, text: str) -> None: ...
    def show_error(self, message: str) -> None: ...


def _prepare_and_open(path: Path, passphrase: str | None) -> Store:
    """Pool thread: build the demo if it is not there yet, then open its store."""
    # Imported when wanted: building the demo signs and files an ERS (pyHanko, ReportLab),
    # which the first window must not wait for.
    from assessor_app.demo.location import prepare_demo_store
    from assessor_app.store import open_store

    prepare_demo_store(path, passphrase=passphrase)
    store = open_store(path, passphrase=passphrase)
    store.typed_passphrase = passphrase
    return store


def open_demo(window: DemoHost, window_class: Callable[..., QMainWindow],
              on_open: Callable[[Any], Any] | None = None) -> None:
    """Open the demo beside `window` (nothing when `window` is the demo already)."""
    from assessor_app.demo.location import demo_db_path, is_demo_db

    if is_demo_db(window.store.db_path):
        return
    path = demo_db_path(window.store.db_path)

    def opened(demo_store: Store) -> None:
        qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION,
                       f"{APPLICATION} demo")
        demo = window_class(demo_store, AppSettings(qs))
        demo.setWindowTitle(DEMO_TITLE)
        demo.setObjectName("demoWindow")
        demo.destroyed.connect(lambda *_: demo_store.close())
        window._demo_window = demo  # kept alive with the assessor's window
        demo.show()
        if on_open is not None:
            on_open(demo)

    def failed(message: str) -> None:
        window.show_status("The demo could not be prepared.")
        window.show_error(message)

    window.show_status("Preparing the demo in its own database…")
    # passphrase: with no keyring, the one typed at start (in memory only)
    run_in_background(_prepare_and_open, path, window.store.typed_passphrase, on_done=opened,
                      on_error=failed, writes=True)
