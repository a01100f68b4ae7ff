"""User mistakes on the command line end in one line on stderr and a non-zero exit, never a
traceback, whichever subcommand meets them."""

from __future__ import annotations

import errno
import os
import zipfile
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from assessor_app.cli import main
from assessor_app.store import open_store
from assessor_app.sync.bundle_verify import verify_bundle


def _one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("assessor-app: error: "), err
    assert "Traceback" not in err
    return lines[0]


def test_db_that_is_not_a_database(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("shopping list\n" * 100)
    assert main(["specs", "list", "--db", str(bogus)]) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert str(bogus) in line and "not a database" in line


def test_db_in_a_folder_that_cannot_exist(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main(["learner", "list", "--db", str(blocker / "db.sqlite3")]) == 2
    assert "Cannot create the database" in _one_line_error(capsys.readouterr().err)


def test_db_from_the_environment_is_reported_the_same_way(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    bogus = tmp_path / "env.sqlite3"
    bogus.write_bytes(b"\x00garbage" * 64)
    monkeypatch.setenv("ASSESSOR_APP_DB", str(bogus))
    assert main(["outbox", "list"]) == 2
    assert str(bogus) in _one_line_error(capsys.readouterr().err)


def test_render_to_a_folder_is_refused_in_one_line(tmp_path: Path, db_path: Path,
                                                   capsys: pytest.CaptureFixture) -> None:
    assert main(["ers", "render", "R1", "K/503/8194", "-o", str(tmp_path),
                 "--db", str(db_path)]) == 2
    assert "is a folder" in _one_line_error(capsys.readouterr().err)


def test_a_file_that_cannot_be_written_is_one_line(tmp_path: Path, db_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", "a passphrase")
    out = tmp_path / "bundle.zip"

    def disk_full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    open_store(db_path).close()  # the data folder (and its key file) exist before the disk fills
    monkeypatch.setattr(os, "fsync", disk_full)
    assert main(["bundle", "export", "-o", str(out), "--db", str(db_path)]) == 1
    assert "No space left on device" in _one_line_error(capsys.readouterr().err)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".bundle")] == []


def test_bundle_export_takes_the_passphrase_from_the_environment_without_a_keyring(
        tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    """Headless machines have no keyring: like `ers render`, `bundle export` must then use
    ASSESSOR_APP_KEY_PASSPHRASE rather than refuse."""
    keyring.set_keyring(fail.Keyring())  # the autouse fixture restores the memory keyring
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", "unattended passphrase")
    out = tmp_path / "bundle.zip"
    assert main(["bundle", "export", "-o", str(out), "--db", str(db_path)]) == 0, \
        capsys.readouterr().err
    assert verify_bundle(out).ok
    assert zipfile.ZipFile(out).namelist()  # manifest, signature and key at least


def test_a_bad_db_is_reported_without_a_traceback(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_text("not sqlite")
    assert main(["specs", "list", "--db", str(bogus)]) == 2
    _one_line_error(capsys.readouterr().err)
