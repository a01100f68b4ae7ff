"""Cross-process locks on small lock files, for work two copies of the app must not do at once
(migrating a new database, building the demo, a sync run).

SQLite's own lock serialises single transactions; these serialise whole jobs made of several
transactions. The operating system releases a lock when its process dies, so a killed run never
leaves a stale lock behind (the lock file itself stays, empty and harmless).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

if os.name == "posix":
    import fcntl
else:  # pragma: no cover - exercised on Windows only
    import msvcrt

POLL_SECONDS = 0.1


class LockTimeout(RuntimeError):
    """The lock was still held by another process when the wait ran out."""


def _try_lock(fd: int, *, shared: bool) -> bool:
    if os.name == "posix":
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            return False
        return True
    try:  # pragma: no cover - Windows has no shared whole-file lock: shared acts as exclusive
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if os.name == "posix":
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:  # pragma: no cover
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def _open(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)


def try_acquire(path: Path, *, shared: bool = False) -> int | None:
    """Take the lock without waiting: the open descriptor (pass it to `release`), or None when
    another process holds it."""
    fd = _open(path)
    if _try_lock(fd, shared=shared):
        return fd
    os.close(fd)
    return None


def release(fd: int) -> None:
    try:
        _unlock(fd)
    finally:
        os.close(fd)


@contextmanager
def process_lock(path: Path, *, timeout: float | None = None, shared: bool = False,
                 on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the lock on `path` for the block, waiting for another process to let go first.

    `on_wait` is called once, as soon as it is clear we have to wait (so a window or a terminal
    can say "waiting…"). With a `timeout`, `LockTimeout` is raised when it runs out."""
    fd = _open(path)
    try:
        waited = False
        deadline = None if timeout is None else time.monotonic() + timeout
        while not _try_lock(fd, shared=shared):
            if not waited and on_wait is not None:
                on_wait()
            waited = True
            if deadline is not None and time.monotonic() >= deadline:
                raise LockTimeout(f"{path.name} is still held by another process")
            time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def wait_while_held(path: Path) -> None:
    """Wait until no process holds the lock on `path` (exclusively). Creates nothing: with no
    lock file there is nothing to wait for."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:  # no lock file (or no folder for one): no first start to wait for
        return
    try:
        while not _try_lock(fd, shared=True):
            time.sleep(POLL_SECONDS)
        _unlock(fd)
    finally:
        os.close(fd)
