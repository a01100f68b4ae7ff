"""The threads of a sync run: up to `workers` uploads in flight, each worker on its own
connection. A worker that has sent a file settles it and takes the next claimed file itself, so a
steady run wakes no other thread per file; the run's own thread claims files ahead of the workers
and records finished ones, several per transaction, with the shared state let go meanwhile.

`UploadPool` holds that machinery; the sync run (`engine._Run`) says what claiming, sending,
settling and recording mean, and when the run must stop."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from assessor_app.sync.claims import Claimed

#: What `_work` returns for one file: (how it went, the result or the error, bytes counted).
Result = tuple[str, object, int]


class UploadPool(ABC):
    def __init__(self, workers: int, record_every: float) -> None:
        self.workers = max(1, workers)
        self._record_every = record_every
        # Shared by the run's thread and the workers, under `_state`:
        self._state = threading.RLock()
        self._main_cv = threading.Condition(self._state)  # the run's thread waits on it
        self._work_cv = threading.Condition(self._state)  # idle workers wait on it
        self._pending: deque[int] = deque()  # due, not claimed yet
        self._ready: deque[tuple[Claimed, str]] = deque()  # claimed, not started
        self._in_flight: dict[int, Claimed] = {}
        self._claiming = False
        self._closing = False
        self._live = 0  # workers still running
        self._waiting = 0  # workers waiting for a file they may take
        self._crash: BaseException | None = None

    # -- what the run says (called with `_state` held unless noted) ----------------------------

    @abstractmethod
    def _width(self) -> int:
        """How many files may be in flight now."""

    @abstractmethod
    def _batch(self) -> int:
        """How many items to claim at once now."""

    @abstractmethod
    def _stopping(self) -> bool:
        """True once no further file may start."""

    @abstractmethod
    def _claim_rows(self, item_ids: list[int]) -> list[tuple[Claimed, str]]:
        """(`_state` NOT held: database work) Claim these items; returns the claimed ones with
        the temporary name an interrupted attempt left ("" if none)."""

    @abstractmethod
    def _work(self, item: Claimed, stale_part: str) -> Result:
        """(`_state` NOT held: a worker thread) Send one file."""

    @abstractmethod
    def _settle_one(self, item: Claimed, result: Result) -> None:
        """Count a finished file and queue what the database must record about it."""

    @abstractmethod
    def _record_due(self) -> bool:
        """True when finished files should be recorded now."""

    @abstractmethod
    def _write_unrecorded(self) -> None:
        """(`_state` NOT held: database work) Record the finished files queued so far."""

    @abstractmethod
    def _unclaim(self, ready: deque[tuple[Claimed, str]]) -> None:
        """(`_state` NOT held) Put back claimed items that never started."""

    # -- the machinery -------------------------------------------------------------------------

    def run_pool(self, pending: deque[int]) -> None:
        """Send `pending` (item ids, in order) and return once every worker has stopped; what
        was claimed but never started goes back. A worker's crash is raised here."""
        self._pending = pending
        threads = [threading.Thread(target=self._worker, name=f"sync-upload-{k}", daemon=True)
                   for k in range(self.workers)]
        self._live = len(threads)
        try:
            for t in threads:
                t.start()
            self._run_main()
        finally:
            with self._state:
                self._closing = True  # workers finish the file in hand, then stop
                self._work_cv.notify_all()
            for t in threads:
                t.join()
            self._write_unrecorded()
            self._unclaim(self._ready)
        if self._crash is not None:
            raise self._crash

    def _run_main(self) -> None:
        """The run's thread: claim ahead of the workers, record what they finished, and return
        once every worker has stopped (all sent, or the run is stopping)."""
        with self._state:
            while self._crash is None:
                if self._pending and not self._stopping() and self._low():
                    ids = [self._pending.popleft()
                           for _ in range(min(len(self._pending), self._batch()))]
                    self._claiming = True
                    try:
                        with _released(self._state):
                            claimed = self._claim_rows(ids)
                    finally:
                        self._claiming = False
                    self._ready.extend(claimed)
                    self._work_cv.notify_all()
                elif self._record_due():
                    with _released(self._state):
                        self._write_unrecorded()
                elif self._live == 0:
                    return
                else:
                    self._main_cv.wait(self._record_every)

    def _low(self) -> bool:
        """Fewer files claimed than the workers may take next (one at a time: none at all)."""
        width = self._width()
        if width == 1:
            return not self._ready and not self._in_flight
        return len(self._ready) < width

    def _worker(self) -> None:
        try:
            job = self._next_job(None)
            while job is not None:
                job = self._next_job((job[0], self._work(*job)))
        except BaseException as exc:  # noqa: BLE001 - re-raised on the run's thread
            with self._state:
                self._crash = self._crash or exc
        finally:
            with self._state:
                self._live -= 1
                self._main_cv.notify()
                self._work_cv.notify_all()

    def _next_job(self, finished: tuple[Claimed, Result] | None) -> tuple[Claimed, str] | None:
        """Settle the file just sent (if any) and take the next one this worker may send, or
        None when there is none left or the run stops."""
        with self._state:
            if finished is not None:
                item, result = finished
                del self._in_flight[item.id]
                self._settle_one(item, result)
                if self._record_due():
                    self._main_cv.notify()
                if self._waiting:
                    self._work_cv.notify_all()
            while not (self._closing or self._crash is not None or self._stopping()):
                if len(self._in_flight) < self._width():
                    nxt = _next_free(self._ready, self._in_flight)
                    if nxt is not None:
                        self._in_flight[nxt[0].id] = nxt[0]
                        if self._pending and self._low():
                            self._main_cv.notify()  # claim the next batch meanwhile
                        return nxt
                if not (self._ready or self._pending or self._claiming):
                    break  # nothing left to take
                if self._pending:
                    self._main_cv.notify()
                self._waiting += 1
                self._work_cv.wait()
                self._waiting -= 1
            return None


@contextmanager
def _released(lock: threading.RLock) -> Iterator[None]:
    """Let go of `lock` (held once by this thread) for the database work inside."""
    lock.release()
    try:
        yield
    finally:
        lock.acquire()


def _next_free(ready: deque[tuple[Claimed, str]], in_flight: dict[int, Claimed],
               ) -> tuple[Claimed, str] | None:
    """Take the first ready item whose remote name no upload in flight is using, or None. Two
    different files queued under one name (a re-filed sheet) must not race their MOVEs: a
    server's "does the name exist?" check and its rename are not one atomic step (WsgiDAV,
    Apache), so both could be answered 201 and one overwrite the other. Names are compared
    case-blind, as Windows/SharePoint servers do."""
    busy = {i.remote_path.casefold() for i in in_flight.values()}
    for k, entry in enumerate(ready):
        if entry[0].remote_path.casefold() not in busy:
            del ready[k]
            return entry
    return None
