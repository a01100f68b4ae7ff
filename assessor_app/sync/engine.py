"""The sync run: send every due outbox item to the centre once, intact, and confirm it.

Safe to call from a worker thread: it opens its own short transactions on the store and never
touches Qt. Per item: claim it (state "uploading", attempts+1, its remote path and temporary
name recorded), send it (see `transfer.py`: temp name, PUT, MOVE into place, confirmation), and
only then mark it sent.

Up to WORKERS files are in flight at once, each worker on its own keep-alive connection (see
`transfer.py`) taking the next claimed file itself (`upload_pool.py`); the run's thread claims
items and records finished ones several per transaction.
A crash at any point leaves the row in "uploading" or "queued", and the next run repeats only
what is not confirmed. The same PDF never ends up twice on the server.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import func
from sqlmodel import Session, col, select

from assessor_app.store import Store
from assessor_app.store.models import OutboxItem, OutboxState
from assessor_app.store.models._common import utcnow
from assessor_app.sync import claims, outbox, void_notices
from assessor_app.sync.backoff import next_attempt_at
from assessor_app.sync.claims import Claimed
from assessor_app.sync.cleanup import remove_stale_parts
from assessor_app.sync.errors import ErrorScope, SyncCancelled, SyncError
from assessor_app.sync.run_lock import one_run
from assessor_app.sync.settings import SyncSettings, require_settings, resolve_password
from assessor_app.sync.summary import (  # re-exported: callers import them from here
    ItemOutcome,
    ProgressCallback,
    SyncHooks,
    SyncProgress,
    SyncSummary,
)
from assessor_app.sync.transfer import (
    Confirmed,
    LocalFileChanged,
    Transfer,
    as_sync_error,
    sent_values,
)
from assessor_app.sync.upload_pool import Result, UploadPool
from assessor_app.sync.webdav import WebDavClient

if TYPE_CHECKING:
    from assessor_app.sync.bundle_signing import BundleSigner

__all__ = ["ItemOutcome", "ProgressCallback", "SyncHooks", "SyncProgress", "SyncRunner",
           "SyncSummary", "sync_outbox"]

log = logging.getLogger(__name__)

# After this many transient failures in a row the server is clearly unwell: stop the run.
MAX_CONSECUTIVE_TRANSIENT = 3
#: Files in flight at once, each on its own keep-alive connection: uploads overlap the server's
#: work on one file with the network and the client's work on the others.
WORKERS = 4
#: Files sent one at a time at the start of each run before the others overlap: a server that
#: fails them all stops the run (MAX_CONSECUTIVE_TRANSIENT) with no more than these tried.
WARMUP = MAX_CONSECUTIVE_TRANSIENT
#: Items claimed, and finished items recorded, per transaction (each transaction costs more
#: than a file's upload on a fast link). A crash forgets at most a record batch: those rows
#: still say "uploading", and the next run finds them in place.
CLAIM_BATCH = 64
RECORD_BATCH = 64
#: ... and finished items are recorded at least this often (seconds), for the status shown.
RECORD_EVERY = 1.0


def sync_outbox(
    store: Store,
    settings: SyncSettings | None = None,
    password: str | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    include_failed: bool = True,
    respect_backoff: bool = False,
    hooks: SyncHooks | None = None,
    transport: httpx.BaseTransport | None = None,
    rng: random.Random | None = None,
    signer: BundleSigner | None = None,
    wait_for_other_run: bool = False,
) -> SyncSummary:
    """Send what is due and report. "Sync now" = defaults; a background timer should pass
    `include_failed=False, respect_backoff=True` so it honours backoff and waits for the user
    on permanent failures. With `signer` (the assessor's key), void notices are signed and
    queued first; without it, an unsent ERS of a void sign-off is still withheld, and its
    notice waits for a run that has the key. One run per database across processes (`run_lock`:
    wait, or return at once). Raises NotConfigured / PasswordMissing / SecretStoreUnavailable
    before any network traffic if settings or password are missing."""
    if settings is None:
        with store.session() as s:
            settings = require_settings(s)
    if password is None:
        password = resolve_password(settings)
    with one_run(store, wait=wait_for_other_run, on_wait=store.wait_hooks.notify) as refusal:
        if refusal:
            return SyncSummary(error=refusal)
        known_dirs: set[str] = set()

        def connect() -> WebDavClient:
            return WebDavClient(settings, password, transport=transport,  # type: ignore[arg-type]
                                known_dirs=known_dirs)

        remove_stale_parts(store, connect)
        run = _Run(store, settings, connect, progress, cancel, hooks or SyncHooks(), rng)
        if signer is not None:
            void_notices.queue_void_notices(store, signer)
        return run.execute(include_failed=include_failed, respect_backoff=respect_backoff)


class SyncRunner:
    """Holds what a worker needs; `run()` may be called repeatedly from any one thread at a time."""

    def __init__(
        self,
        store: Store,
        settings: SyncSettings | None = None,
        password: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        signer: BundleSigner | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.password = password
        self.transport = transport
        self.signer = signer  # signs void notices; without it they wait (see sync_outbox)
        self.cancel_event = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()

    def run(
        self,
        progress: ProgressCallback | None = None,
        *,
        include_failed: bool = True,
        respect_backoff: bool = False,
    ) -> SyncSummary:
        self.cancel_event.clear()
        return sync_outbox(
            self.store,
            self.settings,
            self.password,
            progress=progress,
            cancel=self.cancel_event,
            include_failed=include_failed,
            respect_backoff=respect_backoff,
            transport=self.transport,
            signer=self.signer,
        )


class _Run(UploadPool):
    """One run: this thread claims items and records finished ones, several per transaction;
    worker threads (each with its own keep-alive connection) send them (see `upload_pool.py`)."""

    def __init__(
        self,
        store: Store,
        settings: SyncSettings,
        connect: Callable[[], WebDavClient],
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
        hooks: SyncHooks,
        rng: random.Random | None,
        workers: int | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.connect = connect
        self.progress_cb = progress
        self.cancel = cancel
        self.rng = rng
        super().__init__(workers or WORKERS, RECORD_EVERY)  # (WORKERS read now: tunable)
        self.summary = SyncSummary()
        self.items_total = 0
        self.items_done = 0
        self.bytes_total = 0
        self.bytes_done = 0
        self.consecutive_transient = 0
        self._lock = threading.Lock()  # bytes_done and the progress callback
        self._local = threading.local()
        self._clients: list[WebDavClient] = []
        self._unrecorded: list[tuple[int, dict[str, object]]] = []
        self._recorded_at = time.monotonic()
        self.transfer = Transfer(settings, store, self._record, self._add_bytes,
                                 self._emit, cancel, hooks.after_put, hooks.after_move)

    # -- bookkeeping ---------------------------------------------------------------------------

    def _emit(self, item_id: int | None, phase: str) -> None:
        if self.progress_cb is not None:
            with self._lock:
                self.progress_cb(
                    SyncProgress(
                        self.items_total, self.items_done, self.bytes_total, self.bytes_done,
                        item_id, phase,
                    )
                )

    def _add_bytes(self, n: int) -> None:
        with self._lock:
            self.bytes_done += n
            self._local.sent = getattr(self._local, "sent", 0) + n
        self._emit(getattr(self._local, "item_id", None), "uploading")

    def _cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def _stopping(self) -> bool:
        if self._cancelled():
            self.summary.cancelled = True
        return bool(self.summary.cancelled or self.summary.error
                    or self.consecutive_transient >= MAX_CONSECUTIVE_TRANSIENT)

    def execute(self, *, include_failed: bool, respect_backoff: bool) -> SyncSummary:
        with self.store.session() as s:
            if outbox.enqueue_unqueued(s):
                log.warning("queued filed ERS documents that were missing from the outbox")
            if void_notices.withhold_void_ers(s):
                log.info("withheld unsent ERS documents of void sign-offs")
        with self.store.session() as s:
            ids = outbox.due_item_ids(
                s, include_failed=include_failed, respect_backoff=respect_backoff
            )
            if ids:
                self.bytes_total = int(
                    s.exec(
                        select(func.coalesce(func.sum(OutboxItem.size), 0)).where(
                            OutboxItem.id.in_(ids)  # type: ignore[union-attr]
                        )
                    ).one()
                )
        self.items_total = len(ids)
        self._emit(None, "starting")
        try:
            self.run_pool(deque(ids))
        finally:
            for client in self._clients:
                client.close()
        with self.store.session() as s:
            self.summary.remaining = int(
                s.exec(
                    select(func.count()).where(col(OutboxItem.state).not_in(
                        (OutboxState.SENT.value, OutboxState.WITHHELD.value)))
                ).one()
            )
        self._emit(None, "done")
        return self.summary

    # -- what the upload pool asks of the run (see `upload_pool.py`) ---------------------------

    def _width(self) -> int:
        return self.workers if self.items_done >= WARMUP else 1

    def _batch(self) -> int:
        return CLAIM_BATCH

    def _record_due(self) -> bool:
        # (what is left when the run ends or stops is recorded as it does: `run_pool`)
        return bool(self._unrecorded) and (
            len(self._unrecorded) >= RECORD_BATCH
            or time.monotonic() - self._recorded_at >= RECORD_EVERY)

    def _client(self) -> WebDavClient:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self.connect()
            with self._lock:
                self._clients.append(client)
        return client

    def _work(self, item: Claimed, stale_part: str) -> tuple[str, object, int]:
        """Send one file; returns (how it went, the result or the error, bytes it counted).
        Errors that concern this file come back as values; anything else (a crash) propagates."""
        self._local.item_id, self._local.sent = item.id, 0
        try:
            return "ok", self.transfer.send(self._client(), item, stale_part), self._local.sent
        except (SyncError, SyncCancelled, OSError, LocalFileChanged) as err:
            return "error", err, self._local.sent

    # -- the database side -----------------------------------------------------------------

    def _claim_rows(self, item_ids: list[int]) -> list[tuple[Claimed, str]]:
        """Mark items "uploading" with a temp name, in one transaction (see `claims.claim`).
        Returns each claimed item with the temp name an interrupted attempt left behind."""
        if not item_ids:
            return []
        with self.store.session() as s:
            claimed, skipped = claims.claim(s, item_ids, self.settings)
        with self._state:
            self.summary.outcomes.extend(skipped)
            self.items_done += len(skipped)
            self.summary.attempted += len(claimed)
        return claimed

    def _unclaim(self, ready: deque[tuple[Claimed, str]]) -> None:
        """Claimed items the run never started (it stopped): back in the queue, untried."""
        if ready:
            with self.store.session() as s:
                claims.unclaim(s, list(ready))
            self.summary.attempted -= len(ready)

    def _write_unrecorded(self) -> None:
        with self._state:  # workers add to it meanwhile
            unrecorded, self._unrecorded = self._unrecorded, []
        if not unrecorded:
            return
        now = utcnow()
        shapes: dict[tuple[str, ...], list[dict[str, object]]] = {}
        for item_id, values in unrecorded:  # one executemany per shape of change
            shapes.setdefault(tuple(values), []).append({"_id": item_id, **values,
                                                         "updated_at": now})
        with self.store.session() as s:
            conn = s.connection()
            for rows in shapes.values():
                conn.execute(claims.BY_ID, rows)
        self._recorded_at = time.monotonic()

    def _record(self, item_id: int, **values: object) -> None:
        with self.store.session() as s:
            self._apply(s, item_id, values)

    @staticmethod
    def _apply(s: Session, item_id: int, values: dict[str, object]) -> None:
        item = s.get(OutboxItem, item_id)
        assert item is not None
        for k, v in values.items():
            setattr(item, k, v)
        item.updated_at = utcnow()
        s.add(item)

    def _settle_one(self, item: Claimed, result: Result) -> None:
        """Count a finished file and queue what the database must record about it (written by
        `_write_unrecorded`, several at a time). Until then a sent file's row still says
        "uploading", which after a crash only means the next run checks the server first."""
        assert item.id is not None
        status, value, counted = result
        outcome: ItemOutcome | None
        if status == "ok":
            assert isinstance(value, Confirmed)
            self._unrecorded.append((item.id, sent_values(value)))
            outcome = self._count_confirmed(item, value, counted)
        elif isinstance(value, SyncCancelled):
            with self._lock:
                self.bytes_done -= counted
            self._unrecorded.append((item.id, {"state": OutboxState.QUEUED.value,
                                               "attempts": item.attempts - 1}))
            self.summary.cancelled = True
            return
        else:
            with self._lock:  # counted as handled for the progress bar
                self.bytes_done += item.size - counted
            values, outcome = self._failure(item, as_sync_error(value))
            self._unrecorded.append((item.id, values))
        self.summary.outcomes.append(outcome)
        self.items_done += 1
        self._emit(item.id, "checking")
        if outcome.outcome == "retry_later":
            self.consecutive_transient += 1
            if self.consecutive_transient >= MAX_CONSECUTIVE_TRANSIENT:
                self.summary.error = self.summary.error or outcome.message
        else:
            self.consecutive_transient = 0

    def _count_confirmed(self, item: Claimed, done: Confirmed, counted: int) -> ItemOutcome:
        assert item.id is not None
        if done.already_there:
            with self._lock:
                self.bytes_done += item.size - counted
            self.summary.already_there += 1
            return ItemOutcome(item.id, item.filename, "already_there")
        self.summary.sent += 1
        return ItemOutcome(item.id, item.filename, "sent")

    def _failure(self, item: Claimed, err: SyncError) -> tuple[dict[str, object], ItemOutcome]:
        assert item.id is not None
        log.warning("outbox item %s: %s", item.id, err.detail)
        values: dict[str, object] = {"failure_reason": err.user_message, "last_error": err.detail}
        if err.permanent:
            values.update(state=OutboxState.FAILED.value, next_attempt_at=None)
            self.summary.failed += 1
            outcome = "failed"
        else:
            values.update(state=OutboxState.QUEUED.value,
                          next_attempt_at=next_attempt_at(item.attempts, utcnow(), rng=self.rng))
            self.summary.retry_later += 1
            outcome = "retry_later"
        if err.scope is ErrorScope.RUN:
            self.summary.error = err.user_message
            self.summary.error_detail = err.detail
        return values, ItemOutcome(item.id, item.filename, outcome, err.user_message)
