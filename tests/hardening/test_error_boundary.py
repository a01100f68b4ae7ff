"""The CLI's error boundary: expected failures are one line with what to do next and a non-zero
exit; a bug writes a crash report without personal data and says where it is. Files that are
not this app's database, or are from a newer version, are refused and left untouched."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from assessor_app.cli import main
from assessor_app.store import open_store
from assessor_app.store.errors import NewerSchema, NotOurDatabase, StoreBusy
from assessor_app.store.models import Setting
from tests.rawdb import raw_connect

EXE = Path(sys.executable).with_name("assessor-app")


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("assessor-app: error: "), err
    assert "Traceback" not in err
    return lines[0]


def test_an_empty_file_is_initialised(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db = tmp_path / "new.sqlite3"
    db.write_bytes(b"")
    assert main(["audit", "verify", "--db", str(db)]) == 0
    assert db.stat().st_size > 0
    with closing(raw_connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)


def test_another_programs_database_is_refused_untouched(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture) -> None:
    db = tmp_path / "photos.db"
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("CREATE TABLE album (id INTEGER PRIMARY KEY, title TEXT)")
        conn.execute("INSERT INTO album (title) VALUES ('Holiday')")
        conn.commit()
    before = db.read_bytes()
    assert main(["audit", "verify", "--db", str(db)]) == 2
    line = one_line(capsys.readouterr().err)
    assert "another program's database" in line and str(db) in line
    assert db.read_bytes() == before
    assert not Path(f"{db}-wal").exists()
    with pytest.raises(NotOurDatabase):
        open_store(db)


def test_a_newer_schema_is_refused_untouched(tmp_path: Path,
                                             capsys: pytest.CaptureFixture) -> None:
    db = tmp_path / "future.sqlite3"
    open_store(db).close()
    with closing(raw_connect(db)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0999_from_the_future'")
        conn.commit()
    before = db.read_bytes()
    assert main(["learner", "list", "--db", str(db)]) == 2
    line = one_line(capsys.readouterr().err)
    assert "newer version" in line and "0999_from_the_future" in line
    assert db.read_bytes() == before
    with pytest.raises(NewerSchema):
        open_store(db)


def test_damaged_pages_are_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db = tmp_path / "damaged.sqlite3"
    store = open_store(db)
    with store.session() as s:
        for i in range(300):
            s.add(Setting(key=f"k{i}", value="x" * 200))
    store.close()
    with closing(raw_connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    page = 4096
    for off in range(page * 3, len(data), page):  # every page after the schema's: scrambled
        data[off:off + 64] = bytes(range(64))
    db.write_bytes(bytes(data))
    code = main(["audit", "verify", "--db", str(db)])
    err = capsys.readouterr().err
    assert code != 0
    assert "damaged" in one_line(err)


def test_a_bug_writes_a_crash_report_without_personal_data(
        tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    logs = tmp_path / "logs"
    monkeypatch.setenv("ASSESSOR_APP_LOG_DIR", str(logs))

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("Priya Shah, registration RX-1234, broke it")

    monkeypatch.setattr("assessor_app.signoff.cli.verify_audit", broken)
    assert main(["audit", "verify", "--db", str(db_path)]) == 70
    line = one_line(capsys.readouterr().err)
    reports = list(logs.glob("crash-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in line
    text = reports[0].read_text()
    assert "RuntimeError" in text and "_audit_verify" in text and "audit verify" in text
    assert "Priya" not in text and "RX-1234" not in text and str(db_path) not in text


@pytest.mark.parametrize(("err", "words"), [
    (OSError(errno.ENOSPC, "No space left on device", "/data/x"), "disk is full"),
    (PermissionError(errno.EACCES, "Permission denied", "/data/x"), "Permission denied"),
    (sqlite3.OperationalError("database or disk is full"), "disk is full"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "Permission denied"),
])
def test_full_disk_and_permissions_are_one_line(
        err: Exception, words: str, db_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    def failing(*_a: object, **_k: object) -> None:
        raise err

    monkeypatch.setattr("assessor_app.signoff.cli.verify_audit", failing)
    assert main(["audit", "verify", "--db", str(db_path)]) == 1
    assert words in one_line(capsys.readouterr().err)


def _hold_write_lock(db: Path, seconds: float, started: threading.Event) -> None:
    with closing(raw_connect(db)) as conn:
        conn.isolation_level = None
        conn.execute("BEGIN IMMEDIATE")
        started.set()
        time.sleep(seconds)
        conn.execute("COMMIT")


def test_writers_wait_for_the_lock_and_say_so(db_path: Path) -> None:
    store = open_store(db_path)
    said: list[str] = []
    store.wait_hooks.on_wait = said.append
    started = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(db_path, 1.0, started))
    holder.start()
    started.wait(5)
    with store.session() as s:  # waits for the other connection instead of failing
        s.add(Setting(key="after", value="wait"))
    holder.join()
    assert said and "Waiting" in said[0] and said[-1] == ""
    with store.read_session() as s:
        assert s.get(Setting, "after") is not None
    store.close()


def test_a_lock_held_too_long_is_store_busy(db_path: Path) -> None:
    store = open_store(db_path)
    store.wait_hooks.max_wait = 0.5
    started = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(db_path, 2.0, started))
    holder.start()
    started.wait(5)
    with pytest.raises(StoreBusy, match="busy"), store.session() as s:
        s.add(Setting(key="never", value="x"))
    holder.join()
    store.close()


def test_sync_configure_without_a_terminal(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    proc = subprocess.run(
        [str(EXE), "sync", "configure", "--db", str(db), "--url", "https://dav.example/x",
         "--user", "alex"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=120, env={**os.environ, "ASSESSOR_APP_LOG_DIR": str(tmp_path / "logs"),
                          "ASSESSOR_APP_KEY_PASSPHRASE": "no terminal here"})
    assert proc.returncode == 2
    line = one_line(proc.stderr)
    assert "--password-stdin" in line and "EOFError" not in proc.stderr


def test_console_script_refuses_a_foreign_database(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("CREATE TABLE t (x)")
    proc = subprocess.run([str(EXE), "outbox", "list", "--db", str(db)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert "another program's database" in one_line(proc.stderr)
