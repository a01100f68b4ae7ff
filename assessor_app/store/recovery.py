"""Start-up recovery: remove what an interrupted run left beside the database.

A run killed at the wrong moment can leave, under the database's files folder:

- ``imported/.tmp-*`` — a bundle import's half-extracted folder (learners' evidence);
- ``blobs/tmp/incoming-*`` — an attachment being copied in;
- ``.<name>.*.tmp`` — a crash-safe write that never reached its rename (ERS, keys);
- ``ers/<sha256>.pdf`` with its ``<sha256>.pending`` marker and no `ErsDocument` row — an ERS
  rendered and signed, then the filing transaction never committed. A PDF without a marker is
  never removed, even when no row names it: a missing row is then evidence of tampering (the
  PDF carries the audit trail's head), not a leftover.

All of them are only ever written by a process that has the database open, so they are removed
only when no other process has it open: every open store holds a shared lock on
``locks/open.lock``, and the clean-up runs when an exclusive lock on it can be taken at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from assessor_app.store.engine import Store
from assessor_app.store.locks import POLL_SECONDS, release, try_acquire

log = logging.getLogger(__name__)
PRESENCE_LOCK = Path("locks") / "open.lock"
SHARED_WAIT_SECONDS = 10.0
_PDF_NAME = re.compile(r"^[0-9a-f]{64}\.pdf$")


@dataclass(frozen=True)
class Recovered:
    temp_folders: int = 0
    temp_files: int = 0
    orphan_pdfs: int = 0

    @property
    def total(self) -> int:
        return self.temp_folders + self.temp_files + self.orphan_pdfs


def open_with_recovery(store: Store) -> Recovered | None:
    """Register `store` as open (see `close_presence`), cleaning up first when it is the only
    process with the database open. Returns what was removed, or None when others had it open."""
    lock_path = store.files_dir / PRESENCE_LOCK
    fd = try_acquire(lock_path)
    recovered: Recovered | None = None
    if fd is not None:
        try:
            recovered = remove_leftovers(store)
        finally:
            release(fd)
    store._presence_fd = _shared(lock_path)  # type: ignore[attr-defined]
    if recovered is not None and recovered.total:
        log.info("removed %d leftovers of an interrupted run", recovered.total)
    return recovered


def _shared(lock_path: Path) -> int | None:
    deadline = time.monotonic() + SHARED_WAIT_SECONDS
    while (fd := try_acquire(lock_path, shared=True)) is None:
        if time.monotonic() > deadline:  # someone is cleaning for very long: go on anyway
            return None
        time.sleep(POLL_SECONDS)
    return fd


def close_presence(store: Store) -> None:
    fd = getattr(store, "_presence_fd", None)
    if fd is not None:
        store._presence_fd = None  # type: ignore[attr-defined]
        with contextlib.suppress(OSError):
            release(fd)


def remove_leftovers(store: Store) -> Recovered:
    """Remove every leftover listed in the module docstring. Call only while no other process
    has the database open (`open_with_recovery` makes sure)."""
    files = store.files_dir
    folders = 0
    for tmp in _glob(files / "imported", ".tmp-*"):
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
            folders += 1
    temp_files = 0
    for pattern_dir, pattern in ((files / "blobs" / "tmp", "incoming-*"),
                                 (files / "ers", ".*.tmp"), (files / "keys", ".*.tmp"),
                                 (files, ".*.tmp")):
        for tmp in _glob(pattern_dir, pattern):
            if tmp.is_file():
                _unlink(tmp)
                temp_files += 1
    return Recovered(folders, temp_files, _remove_orphan_pdfs(store))


def _remove_orphan_pdfs(store: Store) -> int:
    folder = store.files_dir / "ers"
    markers = [m for m in _glob(folder, "*.pending") if _PDF_NAME.match(m.stem + ".pdf")]
    if not markers:
        return 0
    from assessor_app.store.raw import read_only

    with read_only(store) as conn:
        known = {row[0] for row in conn.execute("SELECT sha256 FROM ers_document")}
    removed = 0
    for marker in markers:
        pdf = folder / f"{marker.stem}.pdf"
        if marker.stem not in known and pdf.exists():
            _unlink(pdf)
            removed += 1
        _unlink(marker)
    return removed


def _glob(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern)) if folder.is_dir() else []


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
