"""The backup commands show times as people read them: this computer's local time, not the
ISO UTC the manifests keep."""

from __future__ import annotations

import re
import time
from datetime import datetime
from pathlib import Path

import pytest

from assessor_app.backup.run import manifests
from assessor_app.backup.targets import FolderTarget
from assessor_app.cli import main
from assessor_app.store import Store

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_backup_commands_print_local_readable_times(new_york, store: Store, tmp_path: Path,  # noqa: ANN001
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    db, usb = str(store.db_path), tmp_path / "usb"
    assert main(["backup", "run", "--to", str(usb), "--db", db]) == 0
    ran = capsys.readouterr().out
    [(name, manifest)] = manifests(FolderTarget(usb), store.key)
    local = datetime.fromisoformat(manifest["created_at"]).astimezone()
    assert local.utcoffset() != datetime.fromisoformat(manifest["created_at"]).utcoffset()
    assert f"at {local:%d %b %Y %H:%M}." in ran
    assert main(["backup", "list", str(usb), "--db", db]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith(f"{local:%d %b %Y %H:%M:%S}") and listed.rstrip().endswith(name)
    assert main(["backup", "verify", str(usb), "--db", db]) == 0
    verified = capsys.readouterr().out
    assert f"the backup of {local:%d %b %Y %H:%M} is complete" in verified
    from assessor_app.signoff.passphrase import current_passphrase

    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", current_passphrase() or "")
    new_db = tmp_path / "new" / "assessor.sqlite3"
    assert main(["backup", "restore", str(usb), "--db", str(new_db)]) == 0
    restored = capsys.readouterr().out
    assert f"Restored the backup of {local:%d %b %Y %H:%M}:" in restored
    for out in (ran, listed, verified, restored):
        assert not ISO.search(out), out
