"""The sync, outbox and bundle subcommands, in-process and through the real console script."""

from __future__ import annotations

import io
import json
from pathlib import Path

import keyring
import pytest
from keyring.errors import NoKeyringError

from assessor_app.cli import main
from assessor_app.sync.settings import PASSWORD_ENV
from tests.sync.helpers import file_ers, remote_pdfs, sha256_file
from tests.webdav_server import PASSWORD, DavServer

REPO = Path(__file__).resolve().parents[2]


def run(argv: list[str]) -> int:
    """The real dispatcher, in-process."""
    return main(argv)


def _configure(db: Path, server: DavServer, monkeypatch, password: str = PASSWORD) -> int:  # noqa: ANN001
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return run(["sync", "configure", "--db", str(db), "--url", server.url, "--user", server.user,
                "--centre", "Centre 7", "--password-stdin"])


def test_configure_run_list(store, db_path, dav_server, monkeypatch, capsys, memory_keyring) -> None:  # noqa: ANN001
    filed = [file_ers(store, f"cli {n}") for n in range(3)]
    assert _configure(db_path, dav_server, monkeypatch) == 0
    # the password went to the keyring, and nowhere into the database
    assert PASSWORD in memory_keyring.secrets.values()
    assert PASSWORD.encode() not in db_path.read_bytes()
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or PASSWORD.encode() not in wal.read_bytes()
    capsys.readouterr()
    assert run(["sync", "run", "--db", str(db_path)]) == 0
    err = capsys.readouterr().err
    assert "3/3 files" in err and "Sent 3" in err
    assert sorted(sha256_file(p) for p in remote_pdfs(dav_server.root)) == sorted(
        f.sha256 for f in filed)
    assert run(["outbox", "list", "--json", "--db", str(db_path)]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [i["state"] for i in items] == ["sent"] * 3
    assert sorted(i["remote_path"].split("/K-503-8194/")[0] for i in items) == [
        "Centre 7/REG-0001", "Centre 7/REG-0002", "Centre 7/REG-0003"]


def test_run_exit_codes_and_wrong_password(store, db_path, dav_server, monkeypatch, capsys) -> None:  # noqa: ANN001
    file_ers(store, "exit codes")
    assert run(["sync", "run", "--db", str(db_path)]) == 2  # not configured
    assert "sync configure" in capsys.readouterr().err
    assert _configure(db_path, dav_server, monkeypatch, password="nope") == 0
    assert run(["sync", "run", "--db", str(db_path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "username/password or app token" in err
    assert run(["outbox", "list", "--json", "--db", str(db_path)]) == 0
    assert [i["state"] for i in json.loads(capsys.readouterr().out)] == ["failed"]
    dav_server.stop()
    assert _configure(db_path, dav_server, monkeypatch) == 0
    assert run(["sync", "run", "--db", str(db_path), "--quiet"]) == 1  # server down
    assert "cannot be reached" in capsys.readouterr().err
    dav_server.start()
    assert run(["sync", "run", "--db", str(db_path), "--quiet"]) == 0


def test_env_password_for_unattended_runs(store, db_path, dav_server, monkeypatch, capsys,  # noqa: ANN001
                                          memory_keyring) -> None:
    file_ers(store, "env")
    signing_only = dict(memory_keyring.secrets)  # filing keeps the signing key's passphrase
    assert run(["sync", "configure", "--db", str(db_path), "--url", dav_server.url, "--user",
                dav_server.user, "--no-password"]) == 0
    assert memory_keyring.secrets == signing_only
    assert run(["sync", "run", "--db", str(db_path), "--quiet"]) == 2
    assert PASSWORD_ENV in capsys.readouterr().err
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    assert run(["sync", "run", "--db", str(db_path), "--quiet"]) == 0
    assert memory_keyring.secrets == signing_only  # the sync password is never written
    assert PASSWORD.encode() not in db_path.read_bytes()


class _BrokenKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise NoKeyringError("no backend")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("no backend")

    def delete_password(self, service: str, username: str) -> None:
        raise NoKeyringError("no backend")


def test_no_keyring_is_said_plainly(db_path, dav_server, monkeypatch, capsys) -> None:  # noqa: ANN001
    keyring.set_keyring(_BrokenKeyring())
    # the data itself opens with the passphrase from the environment; only the sync password
    # has nowhere safe to go
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", "unattended passphrase")
    assert _configure(db_path, dav_server, monkeypatch) == 2
    err = capsys.readouterr().err
    assert "no secure password store" in err and PASSWORD_ENV in err and "NOT stored" in err


def test_bundle_commands(store, db_path, tmp_path, capsys) -> None:  # noqa: ANN001
    file_ers(store, "bundle cli")
    out = tmp_path / "b.zip"
    assert run(["bundle", "export", "--db", str(db_path), "-o", str(out)]) == 0
    assert run(["bundle", "verify", str(out)]) == 0
    assert "OK: 3 files" in capsys.readouterr().out  # the ERS, its evidence and judgement
    data = bytearray(out.read_bytes())
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(data[: len(data) // 2]))
    assert run(["bundle", "verify", str(bad)]) == 1
    assert "truncated" in capsys.readouterr().err
    assert run(["bundle", "import", "--db", str(db_path), str(bad)]) == 1
    assert run(["bundle", "import", "--db", str(db_path), str(out)]) == 0
    assert run(["bundle", "import", "--db", str(db_path), str(out)]) == 0
    assert "Already imported" in capsys.readouterr().out


def test_configure_without_a_password_then_run_with_the_env_var(
        store, db_path, dav_server, monkeypatch, capsys) -> None:  # noqa: ANN001
    file_ers(store, "console")
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    assert run(["sync", "configure", "--db", str(db_path), "--url", dav_server.url,
                "--user", dav_server.user, "--no-password"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert run(["sync", "run", "--db", str(db_path)]) == 0
    assert "1/1 files" in capsys.readouterr().err
    assert run(["outbox", "list", "--json", "--db", str(db_path)]) == 0
    assert [i["state"] for i in json.loads(capsys.readouterr().out)] == ["sent"]


@pytest.fixture(autouse=True)
def _no_tty_password_prompt(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr("getpass.getpass", lambda *_a, **_k: pytest.fail("prompted"))
