"""Background work for the GUI: run a function off the UI thread, get its result on the UI thread.

Usage::

    job = run_in_background(load_rows, learner_id, on_done=model.set_rows, on_error=banner.show_error)
    job.signals.progress.connect(bar.setValue)   # the function may take a `progress` keyword

* `fn(*args, progress=callback)` runs on a pool thread if it accepts a `progress` keyword;
  `callback(percent, text)` may be called from there at any time.
* `on_done(result)` / `on_error(message)` run on the UI thread (Qt queues signals emitted from the
  pool thread to the receiver's thread), so they may touch widgets freely.
* `on_error` receives a plain-English message (see `messages.friendly_error`), never a traceback;
  the traceback goes to the log.
* Jobs given `writes=True` go to a pool with a single thread, so database writes done in the
  background are serialised (SQLite has one writer). Reads use the shared global pool.
* `job.cancel()` sets `job.cancelled`; long functions should accept `cancelled` (a callable
  returning bool) and stop early. A cancelled job reports neither done nor error, not even a
  result that was already on its way to the UI thread when it was cancelled.
* `owner=widget`: once the widget is deleted (a dialog closed while it loads) the job's callbacks
  are skipped, so none ever runs against a deleted widget.
* `Loader(owner)` runs one kind of load for a view; starting a new load cancels the previous one,
  so only the newest result is shown and `loader.busy` says whether one is still under way.

Short writes (one autosave, one tick in the picker) run directly on the UI thread: they take a
few milliseconds in WAL mode, and doing them inline keeps undo/redo ordering simple.
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import isValid

from assessor_app.gui.support.messages import friendly_error

log = logging.getLogger(__name__)

#: How long a pool thread running Python may keep the GIL while the UI thread waits for it.
#: Python's default is 5 ms, and the UI thread pays it again at every call from Qt into Python
#: (a model's data(), a delegate's size hint) while a worker runs Python, so one repaint could
#: wait tens of milliseconds. Set when the first background job starts (the CLI never is).
UI_SWITCH_INTERVAL = 0.0005

_write_pool: QThreadPool | None = None
_live_jobs: set[Job] = set()  # keeps jobs (and their signal objects) alive until they report
_lock = threading.Lock()


class WorkerSignals(QObject):
    """Signals a job emits; they live on the UI thread so slots run there."""

    progress = Signal(int, str)
    finished = Signal(object)
    failed = Signal(str)


class Job(QRunnable):
    """One call of `fn` on a pool thread. Create it with `run_in_background`."""

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.signals = WorkerSignals()
        self.cancelled = False
        self.done = threading.Event()
        params = _parameters(fn)
        if "progress" in params:
            self.kwargs["progress"] = self._report_progress
        if "cancelled" in params:
            self.kwargs["cancelled"] = lambda: self.cancelled

    def cancel(self) -> None:
        self.cancelled = True

    def _report_progress(self, percent: int, text: str = "") -> None:
        if not self.cancelled:
            self.signals.progress.emit(int(percent), text)

    def run(self) -> None:  # called on the pool thread
        _yield_cpu_to_the_ui_thread()
        try:
            result = self.fn(*self.args, **self.kwargs)
        except Exception as exc:  # noqa: BLE001 - reported to the user in plain English
            log.exception("background job %s failed", getattr(self.fn, "__name__", self.fn))
            if not self.cancelled:
                self.signals.failed.emit(friendly_error(exc))
        else:
            if not self.cancelled:
                self.signals.finished.emit(result)
        finally:
            self.done.set()
            if self.cancelled:  # nobody will hear from it, so stop keeping it alive
                with _lock:
                    _live_jobs.discard(self)


#: Nice value of pool threads (Linux keeps one per thread): when the cores are busy the UI
#: thread, at the process's own priority, gets about three times a worker's share of the CPU,
#: so a background read slows down a little instead of the window stalling.
WORKER_NICE = 5
_niced = threading.local()


def _yield_cpu_to_the_ui_thread() -> None:
    if getattr(_niced, "done", False):
        return
    _niced.done = True
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + WORKER_NICE)
    except (AttributeError, OSError):  # not Linux (or not allowed): Qt's priority stands
        pass


def _parameters(fn: Callable[..., Any]) -> set[str]:
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()


def write_pool() -> QThreadPool:
    """The single-thread pool for background database writes."""
    global _write_pool
    with _lock:
        if _write_pool is None:
            _write_pool = QThreadPool()
            _write_pool.setMaxThreadCount(1)
        return _write_pool


def run_in_background(
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    on_progress: Callable[[int, str], None] | None = None,
    writes: bool = False,
    owner: QObject | None = None,
    **kwargs: Any,
) -> Job:
    """Start `fn(*args, **kwargs)` on a pool thread; callbacks run on the UI thread."""
    if sys.getswitchinterval() > UI_SWITCH_INTERVAL:
        sys.setswitchinterval(UI_SWITCH_INTERVAL)
    job = Job(fn, *args, **kwargs)
    for signal, callback in ((job.signals.finished, on_done), (job.signals.failed, on_error),
                             (job.signals.progress, on_progress)):
        if callback is not None:
            signal.connect(_guarded(job, owner, callback))
    with _lock:
        _live_jobs.add(job)
    job.signals.finished.connect(lambda _r, j=job: _live_jobs.discard(j))
    job.signals.failed.connect(lambda _m, j=job: _live_jobs.discard(j))
    (write_pool() if writes else QThreadPool.globalInstance()).start(job)
    return job


def _guarded(job: Job, owner: QObject | None,
             callback: Callable[..., None]) -> Callable[..., None]:
    """`callback`, unless the job was cancelled or its owner deleted by the time the signal is
    delivered (a queued result can arrive after the window or dialog asked to stop)."""

    def deliver(*args: Any) -> None:
        if job.cancelled or (owner is not None and not isValid(owner)):
            return
        callback(*args)

    return deliver


class Loader:
    """One kind of background load for a view, newest wins: `run` cancels the load before it."""

    def __init__(self, owner: QObject) -> None:
        self.owner = owner
        self._job: Job | None = None

    @property
    def busy(self) -> bool:
        """True from `run` until its result (or error) has been handed to the view."""
        return self._job is not None

    def run(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None],
            on_error: Callable[[str], None] | None = None, **kwargs: Any) -> Job:
        self.cancel()
        job: Job | None = None

        def finish(callback: Callable[[Any], None] | None, value: Any) -> None:
            if self._job is job:
                self._job = None
            if callback is not None:
                callback(value)

        job = run_in_background(fn, *args, on_done=lambda r: finish(on_done, r),
                                on_error=lambda m: finish(on_error, m), owner=self.owner,
                                **kwargs)
        self._job = job
        return job

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None


def wait_for_all(timeout_ms: int = 10_000) -> bool:
    """Block until every background job has finished (for shutdown and tests)."""
    ok = QThreadPool.globalInstance().waitForDone(timeout_ms)
    return write_pool().waitForDone(timeout_ms) and ok


def cancel_all() -> None:
    """Ask every running job to stop and forget their callbacks (window closing)."""
    with _lock:
        jobs = list(_live_jobs)
    for job in jobs:
        job.cancel()
