"""The assessor's own passphrase: chosen at set-up, changed (crash-safely), and the one that
restores a backup on a new laptop; after a change, new backups refuse the old passphrase."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor_app.backup.restore import restore_backup
from assessor_app.backup.run import BackupError, backup_run
from assessor_app.backup.targets import FolderTarget
from assessor_app.cli import main
from assessor_app.signoff import passphrase as pp
from assessor_app.signoff.keys import WrongPassphrase, load_or_create_identity
from assessor_app.store import open_store
from assessor_app.vault.unlock import PASSPHRASE_SECRET, check_passphrase
from tests.vault.helpers import NAME, add_distinctive_learner

FIRST = "river lantern copper seven"
SECOND = "quiet meadow harbour ninety"


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _set_up(db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pp.NEW_PASSPHRASE_ENV, FIRST)
    code, out, err = _cli(capsys, "setup", "--assessor-name", "Alex Morgan", "--create-key",
                          "--db", str(db))
    assert code == 0, err
    assert "Passphrase chosen" in out
    monkeypatch.delenv(pp.NEW_PASSPHRASE_ENV)


def test_setup_then_change(db_path: Path, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch, memory_keyring) -> None:  # noqa: ANN001
    _set_up(db_path, capsys, monkeypatch)
    store = open_store(db_path)
    assert pp.passphrase_chosen(store)
    assert memory_keyring.secrets[("assessor-app", PASSPHRASE_SECRET)] == FIRST
    check_passphrase(db_path, FIRST)
    before = load_or_create_identity(store, passphrase=FIRST).certificate_sha256

    # no terminal and no environment: a one-line refusal, nothing changed
    code, _, err = _cli(capsys, "passphrase", "change", "--db", str(db_path))
    assert code != 0 and err.count("\n") == 1 and pp.NEW_PASSPHRASE_ENV in err
    # a weak new one is refused
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", FIRST)
    monkeypatch.setenv(pp.NEW_PASSPHRASE_ENV, "short")
    code, _, err = _cli(capsys, "passphrase", "change", "--db", str(db_path))
    assert code != 0 and "at least 10" in err
    # a wrong current one is refused
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", "not the passphrase at all")
    monkeypatch.setenv(pp.NEW_PASSPHRASE_ENV, SECOND)
    code, _, err = _cli(capsys, "passphrase", "change", "--db", str(db_path))
    assert code != 0 and "current passphrase is wrong" in err
    check_passphrase(db_path, FIRST)

    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", FIRST)
    code, out, err = _cli(capsys, "passphrase", "change", "--db", str(db_path))
    assert code == 0, err
    check_passphrase(db_path, SECOND)
    with pytest.raises(Exception, match="does not open"):
        check_passphrase(db_path, FIRST)
    with pytest.raises(WrongPassphrase):
        load_or_create_identity(store, passphrase=FIRST)
    assert load_or_create_identity(store, passphrase=SECOND).certificate_sha256 == before
    assert load_or_create_identity(store).certificate_sha256 == before  # the keyring's copy
    assert not (store.files_dir / "keys" / pp.PENDING).exists()
    store.close()


def test_restore_on_a_new_laptop_with_the_chosen_passphrase(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, memory_keyring) -> None:  # noqa: ANN001
    _set_up(db_path, capsys, monkeypatch)
    store = open_store(db_path)
    add_distinctive_learner(store, tmp_path)
    usb = tmp_path / "usb"
    backup_run(store, FolderTarget(usb))

    memory_keyring.secrets.clear()  # a new laptop: nothing in its keyring
    laptop = tmp_path / "laptop" / "assessor.sqlite3"
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", FIRST)
    code, _, err = _cli(capsys, "backup", "restore", str(usb), "--db", str(laptop))
    assert code == 0, err
    monkeypatch.delenv("ASSESSOR_APP_KEY_PASSPHRASE")
    code, out, err = _cli(capsys, "learner", "list", "--db", str(laptop))
    assert code == 0 and NAME in out, err  # opened by the keyring copy the restore added

    # back on the first laptop: change the passphrase, back up again
    pp.change_passphrase(store, FIRST, SECOND)
    backup_run(store, FolderTarget(usb))
    store.close()
    with pytest.raises(BackupError, match="after a passphrase change"):
        restore_backup(FolderTarget(usb), tmp_path / "third" / "a.sqlite3", FIRST)
    check = restore_backup(FolderTarget(usb), tmp_path / "fourth" / "a.sqlite3", SECOND)
    assert check.files > 0


class Crash(Exception):
    pass


def test_a_crash_before_the_commit_keeps_the_old_passphrase(
        store, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    load_or_create_identity(store, passphrase=None)
    pp.change_passphrase(store, pp.current_passphrase() or "", FIRST)

    def crash(*_a: object) -> None:
        raise Crash

    monkeypatch.setattr(pp, "write_key_file", crash)
    with pytest.raises(Crash):
        pp.change_passphrase(store, FIRST, SECOND)
    monkeypatch.undo()
    assert (store.files_dir / "keys" / pp.PENDING).exists()
    check_passphrase(store.db_path, FIRST)
    load_or_create_identity(store, passphrase=FIRST)
    assert not (store.files_dir / "keys" / pp.PENDING).exists()  # thrown away


def test_a_crash_after_the_commit_finishes_with_the_new_passphrase(
        store, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    load_or_create_identity(store, passphrase=None)
    pp.change_passphrase(store, pp.current_passphrase() or "", FIRST)
    real = pp.finish_pending
    calls = []

    def crash_second(s) -> None:  # noqa: ANN001
        calls.append(1)
        if len(calls) == 2:  # the one right after the key file was replaced
            raise Crash
        real(s)

    monkeypatch.setattr(pp, "finish_pending", crash_second)
    with pytest.raises(Crash):
        pp.change_passphrase(store, FIRST, SECOND)
    monkeypatch.undo()
    check_passphrase(store.db_path, SECOND)
    identity = load_or_create_identity(store, passphrase=SECOND)  # rolls the keys forward
    assert identity.name
    assert not (store.files_dir / "keys" / pp.PENDING).exists()


class _Terminal:
    def isatty(self) -> bool:
        return True


def test_change_typed_at_a_terminal(db_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _set_up(db_path, capsys, monkeypatch)
    answers: list[str] = []
    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": answers.pop(0))
    answers[:] = [FIRST, SECOND, SECOND + "x"]  # current, new, a different confirmation
    code, _, err = _cli(capsys, "passphrase", "change", "--db", str(db_path))
    assert code != 0 and "differ" in err
    check_passphrase(db_path, FIRST)
    answers[:] = [FIRST, SECOND, SECOND]
    code, out, err = _cli(capsys, "passphrase", "change", "--db", str(db_path))
    assert code == 0 and "Passphrase changed" in out, err
    check_passphrase(db_path, SECOND)
