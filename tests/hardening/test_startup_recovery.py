"""Start-up recovery: leftovers of an interrupted run (temporary import folders, incoming blobs,
unfinished crash-safe writes, signed PDFs whose filing never committed) are removed when the
database is next opened, and only when no other process has it open. Bundle imports and demo
runs (which sign and file an ERS) are killed at random points, then the next start must find a
consistent database and nothing left over."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from unittest import mock

import pytest

from assessor_app.store import open_store
from assessor_app.store.recovery import remove_leftovers
from assessor_app.sync.bundle_export import export_bundle
from assessor_app.sync.bundle_signing import signer_for_store
from tests.rawdb import raw_connect
from tests.sync.helpers import file_ers, make_pdf

EXE = Path(sys.executable).with_name("assessor-app")
ENV = {**os.environ, "ASSESSOR_APP_KEY_PASSPHRASE": "kill me"}


def _leftovers(files: Path) -> list[str]:
    found = [p for p in files.glob("imported/.tmp-*")]
    found += list(files.glob("blobs/tmp/incoming-*"))
    found += [p for p in files.rglob(".*.tmp")]
    return sorted(str(p.relative_to(files)) for p in found)


def _orphan_pdfs(db: Path) -> list[str]:
    files = db.with_name(db.stem + ".files")
    with closing(raw_connect(db, ENV["ASSESSOR_APP_KEY_PASSPHRASE"])) as conn:
        known = {r[0] for r in conn.execute("SELECT sha256 FROM ers_document")}
    return [p.name for p in files.glob("ers/*.pdf") if p.stem not in known] + \
        [p.name for p in files.glob("ers/*.pending")]


def _plant(files: Path) -> dict[str, Path]:
    (files / "imported" / ".tmp-0123abcd" / "evidence").mkdir(parents=True)
    (files / "imported" / ".tmp-0123abcd" / "evidence" / "1.json").write_text("{}")
    (files / "blobs" / "tmp").mkdir(parents=True, exist_ok=True)
    (files / "blobs" / "tmp" / "incoming-x1y2").write_bytes(b"half a photo")
    (files / "ers").mkdir(exist_ok=True)
    (files / "ers" / ".abc.pdf.k2j3.tmp").write_bytes(b"%PDF half")
    orphan = files / "ers" / (f"{'e' * 64}.pdf")
    orphan.write_bytes(b"%PDF-1.7 signed, never recorded")
    (files / "ers" / f"{'e' * 64}.pending").touch()  # filing had not committed
    return {"orphan": orphan}


def test_leftovers_are_removed_at_the_next_start(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    store = open_store(db)
    filed = file_ers(store, "kept")
    files = store.files_dir
    store.close()
    planted = _plant(files)
    assert _leftovers(files) and planted["orphan"].exists()
    store = open_store(db)
    assert _leftovers(files) == []
    assert not planted["orphan"].exists()
    assert (files / "ers" / f"{filed.sha256}.pdf").exists()  # a filed ERS is never touched
    store.close()


def test_nothing_is_removed_while_another_process_has_the_database_open(tmp_path: Path) -> None:
    db = tmp_path / "b.sqlite3"
    first = open_store(db)  # e.g. the GUI, in the middle of an import
    planted = _plant(first.files_dir)
    second = open_store(db)  # e.g. a CLI command at the same time
    assert _leftovers(first.files_dir) and planted["orphan"].exists()
    second.close()
    first.close()
    third = open_store(db)
    assert _leftovers(third.files_dir) == [] and not planted["orphan"].exists()
    third.close()


def _kill_at_random(args: list[str], rng: random.Random, window: float,
                    trigger: str = "", files: Path | None = None) -> int:
    """Run the command and SIGKILL it at a random moment: anywhere in its run, or, with a
    `trigger` glob, a random few milliseconds after that file or folder first appears under
    `files` (so the kill lands inside the writing phase, not in Python's start-up)."""
    proc = subprocess.Popen([str(EXE), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=ENV)
    if trigger and files is not None:
        deadline = time.monotonic() + window * 3
        while proc.poll() is None and time.monotonic() < deadline \
                and not any(files.glob(trigger)):
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.15))
    else:
        time.sleep(rng.uniform(window * 0.4, window))
    proc.send_signal(signal.SIGKILL)
    return proc.wait(30)


def _timed(args: list[str]) -> float:
    started = time.monotonic()
    done = subprocess.run([str(EXE), *args], capture_output=True, text=True, env=ENV,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


def _big_bundle(tmp_path: Path) -> Path:
    """Three 12 MB ERS files that do not compress, so extracting them takes a while."""
    other = open_store(tmp_path / "colleague" / "c.sqlite3")
    rng = random.Random(5)
    with mock.patch("tests.sync.helpers.make_pdf",
                    lambda title, padding=0: make_pdf(title) + rng.randbytes(12_000_000)):
        for n in range(3):
            file_ers(other, f"big {n}", registration=f"REG-{n}")
    out = tmp_path / "big.zip"
    export_bundle(other, out, signer_for_store(other))
    other.close()
    return out


def test_bundle_import_killed_at_random_points(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", ENV["ASSESSOR_APP_KEY_PASSPHRASE"])
    rng = random.Random(9)
    bundle = _big_bundle(tmp_path)
    window = _timed(["bundle", "import", "--trust-signer", str(bundle), "--db",
                     str(tmp_path / "timing.sqlite3")])
    db = tmp_path / "iqa.sqlite3"
    killed = 0
    files = db.with_name(db.stem + ".files")
    for n in range(8):
        if _kill_at_random(["bundle", "import", "--trust-signer", str(bundle), "--db", str(db)],
                           rng, window, trigger="imported/.tmp-*" if n % 2 else "",
                           files=files) == -signal.SIGKILL:
            killed += 1
        store = open_store(db)  # the next start
        files = store.files_dir
        with store.read_session() as s:
            rows = [r[0] for r in s.execute(__import__("sqlalchemy").text(
                "SELECT manifest_sha256 FROM imported_bundle"))]
        store.close()
        assert _leftovers(files) == []
        assert all((files / "imported" / sha / "manifest.json").is_file() for sha in rows)
        if rows:
            break
    assert killed >= 1
    done = subprocess.run([str(EXE), "bundle", "import", "--trust-signer", str(bundle), "--db",
                           str(db)], capture_output=True, text=True, env=ENV, timeout=300)
    assert done.returncode == 0, done.stderr


def test_ers_filing_killed_at_random_points(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """`demo` signs the unit and files its ERS (render, PAdES-sign, write, record): killed
    anywhere in that, the next start leaves no stray files and the trail verifies."""
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", ENV["ASSESSOR_APP_KEY_PASSPHRASE"])
    rng = random.Random(11)
    window = _timed(["demo", "--db", str(tmp_path / "timing.sqlite3")])
    killed = 0
    for n in range(6):
        db = tmp_path / f"kill-{n}.sqlite3"
        if _kill_at_random(["demo", "--db", str(db)], rng, window,
                           trigger="ers" if n % 2 else "",
                           files=db.with_name(db.stem + ".files")) == -signal.SIGKILL:
            killed += 1
        if not db.exists():
            continue
        store = open_store(db)  # the next start
        files = store.files_dir
        store.close()
        assert _leftovers(files) == []
        assert _orphan_pdfs(db) == []
        check = subprocess.run([str(EXE), "audit", "verify", "--db", str(db)],
                               capture_output=True, text=True, env=ENV, timeout=120)
        assert check.returncode == 0, check.stderr
        finish = subprocess.run([str(EXE), "demo", "--db", str(db)], capture_output=True,
                                text=True, env=ENV, timeout=300)
        # killed while the demo record was being built, it cannot be signed: said in a line
        assert finish.returncode == 0 or (finish.returncode == 2 and "interrupted" in
                                          finish.stderr), finish.stderr
    assert killed >= 1


def test_remove_leftovers_keeps_recorded_pdfs(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.sqlite3")
    filed = [file_ers(store, f"keep {n}") for n in range(3)]
    ers = store.files_dir / "ers"
    (ers / f"{'a' * 64}.pdf").write_bytes(b"orphan of an interrupted filing")
    (ers / f"{'a' * 64}.pending").touch()
    (ers / f"{'b' * 64}.pdf").write_bytes(b"no marker: its row was removed, keep the evidence")
    (ers / f"{filed[0].sha256}.pending").touch()  # committed, marker not yet removed
    (ers / "notes.pdf").write_bytes(b"not ours by name: kept")
    result = remove_leftovers(store)
    assert result.orphan_pdfs == 1
    assert not (ers / f"{'a' * 64}.pdf").exists() and (ers / f"{'b' * 64}.pdf").exists()
    assert all((ers / f"{f.sha256}.pdf").exists() for f in filed)
    assert (ers / "notes.pdf").exists() and list(ers.glob("*.pending")) == []
    store.close()
