"""A plaintext data folder from the previous version is encrypted on first open: verified, the
plaintext removed, nothing lost; a kill -9 at any point leaves a folder that opens whole."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import select

from assessor_app.ers.filing import read_ers_bytes
from assessor_app.evidence.blobstore import blob_store
from assessor_app.store import open_store
from assessor_app.store.models import Attachment, ErsDocument
from assessor_app.vault.dbfile import is_plaintext_sqlite
from tests.vault.helpers import (
    NAME,
    PASSPHRASE,
    SENTENCE,
    all_file_bytes,
    integrity_ok,
    make_plaintext_folder,
    row_counts,
)

REPO = Path(__file__).resolve().parents[2]
KILLS = 50


def _contents(store) -> tuple[dict[str, int], dict[str, bytes]]:  # noqa: ANN001
    """Row counts and every stored file's plaintext, keyed by its hash."""
    blobs = blob_store(store)
    with store.read_session() as s:
        files = {a.sha256: blobs.read_bytes(a.sha256) for a in s.exec(select(Attachment))}
        files |= {d.sha256: read_ers_bytes(store, d.sha256)
                  for d in s.exec(select(ErsDocument))}
    return row_counts(store), files


@pytest.fixture(scope="module")
def plaintext_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple]:
    folder = tmp_path_factory.mktemp("plain") / "data"
    folder.mkdir()
    store = make_plaintext_folder(folder / "assessor.sqlite3", extra_photos=30)
    expected = _contents(store)
    store.close()
    return folder, expected


def _copy(template: Path, tmp_path: Path, name: str = "data") -> Path:
    dest = tmp_path / name
    shutil.copytree(template, dest)
    return dest / "assessor.sqlite3"


def test_first_open_encrypts_and_removes_the_plaintext(plaintext_template, tmp_path: Path,  # noqa: ANN001
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    template, expected = plaintext_template
    db = _copy(template, tmp_path)
    assert is_plaintext_sqlite(db)
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", PASSPHRASE)
    stages: list[tuple[str, int, int]] = []
    store = open_store(db, progress=lambda *p: stages.append(p))
    assert not is_plaintext_sqlite(db)
    assert integrity_ok(db, store)
    assert _contents(store) == expected
    assert {s[0] for s in stages} >= {"copying database", "encrypting files", "verifying"}
    done = [s for s in stages if s[0] == "verifying"]
    assert done[-1][1] == done[-1][2] == len(expected[1])
    store.close()
    for path, data in all_file_bytes(db.parent):
        assert NAME.encode() not in data and SENTENCE.encode() not in data, path
    leftovers = [p.name for p in db.parent.iterdir() if p.name.endswith((".plain", ".encrypting"))]
    assert leftovers == []


CHILD = """
import sys
from assessor_app.store import open_store
print("go", flush=True)
open_store(sys.argv[1]).close()
print("done", flush=True)
"""


def _run_child(db: Path, env: dict[str, str], kill_after: float | None) -> float:
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "go"
    started = time.monotonic()
    if kill_after is None:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        return time.monotonic() - started
    time.sleep(kill_after)
    proc.kill()  # SIGKILL: no cleanup of any kind
    proc.communicate(timeout=30)
    return kill_after


@pytest.mark.slow
def test_kill_9_at_random_points_loses_nothing(plaintext_template, tmp_path: Path,  # noqa: ANN001
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    template, expected = plaintext_template
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", PASSPHRASE)
    env = {**os.environ, "PYTHONPATH": str(REPO),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    full = _run_child(_copy(template, tmp_path, "timing"), env, None)
    rng = random.Random(1234)
    outcomes = {"plaintext": 0, "encrypted": 0}
    for i in range(KILLS):
        db = _copy(template, tmp_path, f"k{i}")
        _run_child(db, env, rng.uniform(0, full * 1.1))
        outcomes["plaintext" if is_plaintext_sqlite(db) else "encrypted"] += 1
        store = open_store(db)  # resumes or redoes the encryption
        assert not is_plaintext_sqlite(db)
        assert integrity_ok(db, store), i
        assert _contents(store) == expected, i
        store.close()
        shutil.rmtree(db.parent)
    # the kills landed both before and after the commit point
    assert outcomes["plaintext"] > 0 and outcomes["encrypted"] > 0, outcomes
