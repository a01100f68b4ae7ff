"""kill -9 at random points during a backup run and during a restore: the previous backup stays
restorable, the data folder opens with integrity_check ok, and a restore can be run again."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assessor_app.backup.restore import restore_backup, verify_backup
from assessor_app.backup.run import backup_run
from assessor_app.backup.targets import FolderTarget
from assessor_app.store import open_store
from assessor_app.vault.keys import key_file_path
from tests.vault.helpers import add_distinctive_learner, integrity_ok, row_counts

REPO = Path(__file__).resolve().parents[2]
PASSPHRASE = "kill test passphrase"
KILLS = 50

BACKUP_CHILD = """
import sys
from assessor_app.backup.run import backup_run
from assessor_app.backup.targets import FolderTarget
from assessor_app.evidence import add_learner
from assessor_app.store import open_store
store = open_store(sys.argv[1])
print("go", flush=True)
add_learner(store, "Another Learner " + sys.argv[3], "K-" + sys.argv[3])
backup_run(store, FolderTarget(sys.argv[2]))
"""

RESTORE_CHILD = """
import sys
from pathlib import Path
from assessor_app.backup.restore import restore_backup
from assessor_app.backup.targets import FolderTarget
print("go", flush=True)
restore_backup(FolderTarget(sys.argv[2]), Path(sys.argv[1]), sys.argv[3])
"""


def _child(code: str, args: list[str], kill_after: float | None) -> float:
    env = {**os.environ, "PYTHONPATH": str(REPO), "ASSESSOR_APP_KEY_PASSPHRASE": PASSPHRASE,
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "go"
    t0 = time.monotonic()
    if kill_after is None:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        return time.monotonic() - t0
    time.sleep(kill_after)
    proc.kill()
    proc.communicate(timeout=30)
    return kill_after


@pytest.mark.slow
def test_kills_during_backup_and_restore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", PASSPHRASE)
    db = tmp_path / "data" / "assessor.sqlite3"
    store = open_store(db)
    add_distinctive_learner(store, tmp_path, extra_photos=20)
    usb = tmp_path / "usb"
    backup_run(store, FolderTarget(usb))
    store.close()
    rng = random.Random(7)
    full = _child(BACKUP_CHILD, [str(db), str(usb), "timing"], None)
    for i in range(KILLS):
        _child(BACKUP_CHILD, [str(db), str(usb), str(i)], rng.uniform(0, full * 1.2))
        store = open_store(db)
        assert integrity_ok(db, store), i
        assert verify_backup(FolderTarget(usb), store.key).files >= 21
        store.close()

    store = open_store(db)
    backup_run(store, FolderTarget(usb))
    expected = row_counts(store)
    store.close()
    target = tmp_path / "new" / "assessor.sqlite3"
    full = _child(RESTORE_CHILD, [str(target), str(usb), PASSPHRASE], None)
    for i in range(KILLS):
        shutil.rmtree(target.parent)
        _child(RESTORE_CHILD, [str(target), str(usb), PASSPHRASE], rng.uniform(0, full * 1.2))
        if not key_file_path(target).exists():  # interrupted before its last step: run again
            restore_backup(FolderTarget(usb), target, PASSPHRASE)
        restored = open_store(target)
        assert integrity_ok(target, restored), i
        counts = row_counts(restored)
        restored.close()
        assert counts == {**expected, "setting": counts["setting"]}, i
