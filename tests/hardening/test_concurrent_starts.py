"""Two first starts, or two `demo` runs, at the same moment on a new database: both succeed and
the result is what one run makes (one demo learner, one signed sign-off, an intact trail)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import select

from assessor_app.specs.bootstrap import ensure_bundled_specs
from assessor_app.store import open_store
from assessor_app.store.locks import process_lock
from assessor_app.store.models import ErsDocument, Learner, SignOff
from assessor_app.store.paths import files_dir_path

EXE = Path(sys.executable).with_name("assessor-app")


def _both(args: list[str], tmp_path: Path) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "ASSESSOR_APP_KEY_PASSPHRASE": "two at once",
           "ASSESSOR_APP_LOG_DIR": str(tmp_path / "logs")}
    procs = [subprocess.Popen([str(EXE), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for _ in range(2)]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


def test_two_demo_runs_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", "two at once")  # to open it here too
    db = tmp_path / "demo.sqlite3"
    for proc in _both(["demo", "--db", str(db)], tmp_path):
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr and "locked" not in proc.stderr
    store = open_store(db)
    with store.read_session() as s:
        assert len(s.exec(select(Learner)).all()) == 1
        assert len([so for so in s.exec(select(SignOff)).all() if so.status == "signed"]) == 1
        assert len(s.exec(select(ErsDocument)).all()) == 1
    store.close()
    check = subprocess.run([str(EXE), "audit", "verify", "--db", str(db)], capture_output=True,
                           text=True, timeout=120)
    assert check.returncode == 0, check.stderr


def test_two_first_starts_at_once(tmp_path: Path) -> None:
    db = tmp_path / "first.sqlite3"
    results = _both(["specs", "list", "--db", str(db)], tmp_path)
    for proc in results:
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
    assert results[0].stdout == results[1].stdout
    assert not (tmp_path / "logs").exists()  # no crash report either


def test_a_command_waits_for_a_first_start_still_importing(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The race behind the test above, made certain: the first start has made the file but not
    yet imported the bundled units when a second command opens it. The second waits for the
    first start's lock and then lists the units (it used to list none)."""
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", "two at once")
    db = tmp_path / "first.sqlite3"
    env = {**os.environ, "ASSESSOR_APP_LOG_DIR": str(tmp_path / "logs")}
    with process_lock(files_dir_path(db) / "locks" / "first-start.lock"):  # as `store_from_args`
        store = open_store(db)  # the file exists, with no units yet
        second = subprocess.Popen([str(EXE), "specs", "list", "--db", str(db)], text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        time.sleep(1.5)  # it is waiting, not listing
        assert second.poll() is None
        assert ensure_bundled_specs(store) > 0
        store.close()
    stdout, stderr = second.communicate(timeout=120)
    assert second.returncode == 0, stderr
    alone = subprocess.run([str(EXE), "specs", "list", "--db", str(db)], capture_output=True,
                           text=True, env=env, timeout=120)
    assert "K/503/8194" in stdout and stdout == alone.stdout
