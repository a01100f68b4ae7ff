"""One sync run per database at a time, across processes (the GUI's timer and a scheduled
`assessor-app sync run`, or two windows).

Two runs at once would each see the other's upload in progress as an interrupted one and delete
its temporary file. The lock is a file lock beside the database, released by the operating
system if the process dies, so a killed run never blocks the next.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from assessor_app.store import Store
from assessor_app.store.locks import process_lock, release, try_acquire

ANOTHER_RUN = "Another sync is running for this database; this one was skipped."
ALREADY_HERE = "A sync is already running."
_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()
WAITING = "Waiting for the other sync of this database to finish…"


@contextmanager
def sync_run_lock(store: Store, *, wait: bool = False,
                  on_wait: Callable[[str], None] | None = None) -> Iterator[bool]:
    """Hold the run lock for the block; yields False (without waiting) when another process
    holds it and `wait` is false. With `wait`, `on_wait(WAITING)` is called once if it must."""
    path = store.files_dir / "locks" / "sync-run.lock"
    if wait:
        with process_lock(path, on_wait=(lambda: on_wait(WAITING)) if on_wait else None):
            yield True
        return
    fd = try_acquire(path)
    if fd is None:
        yield False
        return
    try:
        yield True
    finally:
        release(fd)


@contextmanager
def one_run(store: Store, *, wait: bool = False,
            on_wait: Callable[[str], None] | None = None) -> Iterator[str]:
    """Both locks a run needs: this process's (threads) and the cross-process one. Yields ""
    when the run may go ahead, else why it may not (another run here or elsewhere)."""
    with _thread_locks_guard:
        here = _thread_locks.setdefault(str(store.db_path), threading.Lock())
    if not here.acquire(blocking=False):
        yield ALREADY_HERE
        return
    try:
        with sync_run_lock(store, wait=wait, on_wait=on_wait) as held:
            yield "" if held else ANOTHER_RUN
    finally:
        here.release()
