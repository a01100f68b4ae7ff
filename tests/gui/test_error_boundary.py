"""The GUI's error boundary: a database that cannot be opened is a dialog, an uncaught exception
is a dialog (a crash report without personal data for a bug), and a write waiting for another
program's lock shows "Waiting…" in the status bar instead of failing."""

from __future__ import annotations

import errno
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from assessor_app.gui.app import run_gui
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.gui.support.error_boundary import ExceptionDialogs, open_store_or_explain
from assessor_app.store import Store
from assessor_app.store.errors import StoreBusy
from assessor_app.store.models import Setting
from tests.rawdb import raw_connect


@pytest.fixture
def dialogs_said(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    said: list[tuple[str, str]] = []
    for kind in ("critical", "warning"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(
            lambda _parent, title, text, *_a, _k=kind, **_kw: said.append((_k, text))))
    return said


def test_a_foreign_database_is_a_dialog_not_a_traceback(
        tmp_path: Path, qtbot: QtBot, dialogs_said: list, capsys: pytest.CaptureFixture) -> None:
    db = tmp_path / "photos.db"
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("CREATE TABLE album (title TEXT)")
    before = db.read_bytes()
    assert open_store_or_explain(db) == 2
    assert run_gui(db) == 2
    assert [k for k, _ in dialogs_said] == ["critical", "critical"]
    assert "another program's database" in dialogs_said[0][1]
    assert db.read_bytes() == before and "Traceback" not in capsys.readouterr().err


def _raise_later(exc: BaseException) -> Callable[[], None]:
    def boom() -> None:
        raise exc
    return boom


@pytest.mark.parametrize(("exc", "kind", "words", "report"), [
    (RuntimeError("Priya Shah RX-99 broke it"), "critical", "crash report", True),
    (OSError(errno.ENOSPC, "No space left on device"), "warning", "disk is full", False),
])
def test_an_uncaught_exception_in_a_slot_is_a_dialog(
        exc: BaseException, kind: str, words: str, report: bool, tmp_path: Path, qtbot: QtBot,
        dialogs_said: list, monkeypatch: pytest.MonkeyPatch) -> None:
    logs = tmp_path / "logs"
    monkeypatch.setenv("ASSESSOR_APP_LOG_DIR", str(logs))
    boundary = ExceptionDialogs(lambda: None)
    boundary.install()
    try:
        assert sys.excepthook == boundary._hook
        QTimer.singleShot(0, _raise_later(exc))  # Qt hands a slot's exception to excepthook
        qtbot.waitUntil(lambda: bool(dialogs_said), timeout=5000)
    finally:
        boundary.uninstall()
    assert dialogs_said[0][0] == kind and words in dialogs_said[0][1]
    reports = list(logs.glob("crash-*.txt")) if logs.exists() else []
    assert len(reports) == int(report)
    for r in reports:
        assert "Priya" not in r.read_text() and "RX-99" not in r.read_text()


def _hold_lock(db: Path, seconds: float, held: threading.Event) -> None:
    with closing(raw_connect(db)) as conn:
        conn.isolation_level = None
        conn.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(seconds)
        conn.execute("COMMIT")


def test_a_waiting_write_shows_in_the_status_bar(
        store: Store, db_path: Path, qtbot: QtBot,
        make_window: Callable[[Store], MainWindow]) -> None:
    window = make_window(store)
    held = threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(db_path, 1.5, held))
    holder.start()
    held.wait(5)

    def background_write() -> None:  # a worker thread may wait as long as it takes
        with store.session() as s:
            s.add(Setting(key="from a worker", value="saved"))

    writer = threading.Thread(target=background_write)
    writer.start()
    qtbot.waitUntil(lambda: "Waiting" in window.statusBar().currentMessage(), timeout=5000)
    holder.join()
    writer.join()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "", timeout=5000)
    with store.read_session() as s:
        assert s.get(Setting, "from a worker") is not None


def test_the_window_thread_gives_up_soon_and_keeps_working(
        store: Store, db_path: Path, qtbot: QtBot,
        make_window: Callable[[Store], MainWindow]) -> None:
    make_window(store)
    held = threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(db_path, 5.0, held))
    holder.start()
    held.wait(5)
    try:
        with pytest.raises(StoreBusy), store.session() as s:  # the UI thread: no long freeze
            s.add(Setting(key="ui", value="x"))
    finally:
        holder.join()
    with store.session() as s:  # and writes again once the other program is done
        s.add(Setting(key="ui", value="after"))
