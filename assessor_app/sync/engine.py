"""The sync run: send every due outbox item to the centre once, intact, and confirm it.

Safe to call from a worker thread: it opens its own short transactions on the store and never
touches Qt. Per item:

1. claim it (state "uploading", attempts+1) and fix its remote path;
2. delete the temporary file a previous, interrupted attempt may have left;
3. on a retry, if the final name already holds these exact bytes (a crash after MOVE), just
   mark it sent without uploading again;
4. PUT to a hidden temporary name in the same folder, hashing the local bytes on the way;
5. MOVE it into place with Overwrite: F. If the name is taken: by these same bytes → done; by
   different bytes (someone else's sheet) → never destroy them, use a second deterministic name
   (`<stem>-<sha256 prefix>.pdf`);
6. PROPFIND the final file and compare size (+ server checksum, or GET-and-hash when
   configured), and only then mark it sent.

A crash at any point leaves the row in "uploading" or "queued", and the next run repeats only
what is not confirmed. The same PDF never ends up twice on the server.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import func
from sqlmodel import col, select

from assessor_app.store import Store
from assessor_app.store.models import OutboxItem, OutboxState
from assessor_app.store.models._common import utcnow
from assessor_app.sync import outbox, void_notices
from assessor_app.sync.backoff import next_attempt_at
from assessor_app.sync.cleanup import remove_stale_parts
from assessor_app.sync.errors import ErrorScope, SyncCancelled, SyncError
from assessor_app.sync.layout import alternative_name, part_name, remote_path_for
from assessor_app.sync.local_files import LocalFileChanged as _LocalFileChanged
from assessor_app.sync.local_files import read_local
from assessor_app.sync.run_lock import ANOTHER_RUN, sync_run_lock
from assessor_app.sync.settings import SyncSettings, require_settings, resolve_password
from assessor_app.sync.webdav import RemoteFile, WebDavClient

if TYPE_CHECKING:
    from assessor_app.sync.bundle_signing import BundleSigner

log = logging.getLogger(__name__)

# After this many transient failures in a row the server is clearly unwell: stop the run.
MAX_CONSECUTIVE_TRANSIENT = 3

_run_locks: dict[str, threading.Lock] = {}
_run_locks_guard = threading.Lock()


@dataclass(frozen=True)
class SyncProgress:
    items_total: int
    items_done: int
    bytes_total: int
    bytes_done: int
    current_item_id: int | None
    phase: str  # "starting" | "checking" | "uploading" | "confirming" | "done"


@dataclass(frozen=True)
class ItemOutcome:
    item_id: int
    filename: str
    outcome: str  # "sent" | "already_there" | "retry_later" | "failed" | "withheld"
    message: str = ""


@dataclass
class SyncSummary:
    attempted: int = 0
    sent: int = 0
    already_there: int = 0
    retry_later: int = 0
    failed: int = 0
    cancelled: bool = False
    error: str = ""  # user-facing reason the run stopped early, if it did
    error_detail: str = ""
    remaining: int = 0  # items still not confirmed after the run
    outcomes: list[ItemOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Everything in the outbox is confirmed on the server."""
        return self.remaining == 0 and not self.error and not self.cancelled


@dataclass
class SyncHooks:
    """Test/diagnostic hooks called at the fragile points of an upload (item id)."""

    after_put: Callable[[int], None] | None = None
    after_move: Callable[[int], None] | None = None


ProgressCallback = Callable[[SyncProgress], None]


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
    lock = _lock_for(store)
    if not lock.acquire(blocking=False):
        return SyncSummary(error="A sync is already running.")
    try:
        with sync_run_lock(store, wait=wait_for_other_run, on_wait=store.wait_hooks.notify) as held:
            if not held:
                return SyncSummary(error=ANOTHER_RUN)
            with WebDavClient(settings, password, transport=transport) as client:
                remove_stale_parts(store, client)
                run = _Run(store, settings, client, progress, cancel, hooks or SyncHooks(), rng)
                if signer is not None:
                    void_notices.queue_void_notices(store, signer)
                return run.execute(include_failed=include_failed,
                                   respect_backoff=respect_backoff)
    finally:
        lock.release()


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


def _lock_for(store: Store) -> threading.Lock:
    key = str(store.db_path)
    with _run_locks_guard:
        return _run_locks.setdefault(key, threading.Lock())


class _Run:
    def __init__(
        self,
        store: Store,
        settings: SyncSettings,
        client: WebDavClient,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
        hooks: SyncHooks,
        rng: random.Random | None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.client = client
        self.progress_cb = progress
        self.cancel = cancel
        self.hooks = hooks
        self.rng = rng
        self.summary = SyncSummary()
        self.items_total = 0
        self.items_done = 0
        self.bytes_total = 0
        self.bytes_done = 0

    # -- bookkeeping ---------------------------------------------------------------------------

    def _emit(self, item_id: int | None, phase: str) -> None:
        if self.progress_cb is not None:
            self.progress_cb(
                SyncProgress(
                    self.items_total, self.items_done, self.bytes_total, self.bytes_done,
                    item_id, phase,
                )
            )

    def _cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

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
        consecutive_transient = 0
        for item_id in ids:
            if self._cancelled():
                self.summary.cancelled = True
                break
            outcome = self._one(item_id)
            if outcome is None:  # cancelled mid-item
                self.summary.cancelled = True
                break
            self.summary.outcomes.append(outcome)
            self.items_done += 1
            self._emit(item_id, "checking")
            if outcome.outcome == "retry_later":
                consecutive_transient += 1
            else:
                consecutive_transient = 0
            if self.summary.error:
                break
            if consecutive_transient >= MAX_CONSECUTIVE_TRANSIENT:
                self.summary.error = outcome.message
                break
        with self.store.session() as s:
            self.summary.remaining = int(
                s.exec(
                    select(func.count()).where(col(OutboxItem.state).not_in(
                        (OutboxState.SENT.value, OutboxState.WITHHELD.value)))
                ).one()
            )
        self._emit(None, "done")
        return self.summary

    # -- one item ----------------------------------------------------------------------------

    def _claim(self, item_id: int) -> tuple[OutboxItem, str] | None:
        """Mark the item "uploading" and give it a fresh temp name, in one short transaction.
        Returns the item and the temp name an interrupted attempt left behind ("" if none)."""
        with self.store.session() as s:
            item = s.get(OutboxItem, item_id)
            if item is None or item.state in (OutboxState.SENT.value,
                                              OutboxState.WITHHELD.value):
                return None
            if void_notices.is_void_ers(s, item):  # voided since the run started
                item.state = OutboxState.WITHHELD.value
                item.failure_reason = void_notices.WITHHELD_REASON
                s.add(item)
                return None
            if not item.remote_path:
                item.remote_path = remote_path_for(
                    self.settings.layout,
                    centre=self.settings.centre,
                    learner_registration=item.learner_registration,
                    unit_reference=item.unit_reference,
                    filename=item.filename,
                )
            stale = item.part_path
            if not stale:  # recorded before the PUT, so a crash can never orphan it
                item.part_path = part_name(item.remote_path, uuid.uuid4().hex[:16])
            item.state = OutboxState.UPLOADING.value
            item.attempts += 1
            item.last_attempt_at = item.updated_at = utcnow()
            s.add(item)
            return item, stale

    def _update(self, item_id: int, **values: object) -> None:
        with self.store.session() as s:
            item = s.get(OutboxItem, item_id)
            assert item is not None
            for k, v in values.items():
                setattr(item, k, v)
            item.updated_at = utcnow()
            s.add(item)

    def _one(self, item_id: int) -> ItemOutcome | None:
        claimed = self._claim(item_id)
        if claimed is None:
            with self.store.read_session() as s:
                row = s.get(OutboxItem, item_id)
            if row is not None and row.state == OutboxState.WITHHELD.value:
                return ItemOutcome(item_id, row.filename, "withheld", row.failure_reason)
            return ItemOutcome(item_id, "", "already_there", "already confirmed")
        item, stale_part = claimed
        self.summary.attempted += 1
        bytes_before = self.bytes_done
        try:
            return self._send(item, stale_part)
        except SyncCancelled:
            self.bytes_done = bytes_before
            self._update(item_id, state=OutboxState.QUEUED.value, attempts=item.attempts - 1)
            return None
        except SyncError as err:
            self.bytes_done = bytes_before + item.size  # counted as handled for the bar
            return self._record_failure(item, err)
        except OSError as exc:  # the local copy could not be read
            err = SyncError(
                "This ERS file could not be read on this computer. Re-file the ERS, "
                "then press Sync now.",
                f"{exc.__class__.__name__}: {exc.strerror or exc}",
                permanent=True,
            )
            return self._record_failure(item, err)
        except _LocalFileChanged as exc:
            err = SyncError(
                "This ERS file has changed on this computer since it was filed, so it was not "
                "sent. Re-file the ERS, then press Sync now.",
                str(exc),
                permanent=True,
            )
            return self._record_failure(item, err)

    def _record_failure(self, item: OutboxItem, err: SyncError) -> ItemOutcome:
        assert item.id is not None
        log.warning("outbox item %s: %s", item.id, err.detail)
        if err.permanent:
            self._update(
                item.id, state=OutboxState.FAILED.value, failure_reason=err.user_message,
                last_error=err.detail, next_attempt_at=None,
            )
            self.summary.failed += 1
            outcome = "failed"
        else:
            self._update(
                item.id, state=OutboxState.QUEUED.value, failure_reason=err.user_message,
                last_error=err.detail,
                next_attempt_at=next_attempt_at(item.attempts, utcnow(), rng=self.rng),
            )
            self.summary.retry_later += 1
            outcome = "retry_later"
        if err.scope is ErrorScope.RUN:
            self.summary.error = err.user_message
            self.summary.error_detail = err.detail
        return ItemOutcome(item.id, item.filename, outcome, err.user_message)

    def _send(self, item: OutboxItem, stale_part: str) -> ItemOutcome:
        assert item.id is not None
        c = self.client
        data = read_local(self.store, item)

        self._emit(item.id, "checking")
        if stale_part:  # left by an interrupted attempt: remove it, then use a fresh name
            c.delete(stale_part)
            item.part_path = part_name(item.remote_path, uuid.uuid4().hex[:16])
            self._update(item.id, part_path=item.part_path)
        folder = str(PurePosixPath(item.remote_path).parent)
        if folder not in ("", "."):
            c.ensure_folder(folder)

        if item.attempts > 1:
            # Tried before: a crash after MOVE may have left it in place already.
            for candidate in (item.remote_path, alternative_name(item.remote_path, item.sha256)):
                remote = c.stat(candidate)
                if remote is not None and not remote.is_collection:
                    how = self._same_bytes(remote, item)
                    if how:
                        return self._already_there(item, candidate, remote.etag, how)

        self._emit(item.id, "uploading")
        hasher = hashlib.sha256()

        def on_chunk(chunk: bytes) -> None:
            hasher.update(chunk)
            self.bytes_done += len(chunk)
            self._emit(item.id, "uploading")

        part = item.part_path
        put_etag = c.put_file(
            part, data, item.size, on_chunk=on_chunk, cancel=self.cancel, sha256=item.sha256
        )
        if hasher.hexdigest() != item.sha256:
            c.delete(part)
            raise _LocalFileChanged("local SHA-256 differs from the filed one")
        if self.hooks.after_put:
            self.hooks.after_put(item.id)

        target = item.remote_path
        if not c.move(part, target, overwrite=False):
            # The name is taken. By our own bytes (sent from elsewhere / an earlier run)?
            remote = c.stat(target)
            how = self._same_bytes(remote, item) if remote and not remote.is_collection else ""
            if how:
                c.delete(part)
                return self._already_there(item, target, remote.etag if remote else "", how)
            # By different bytes: never destroy them. The second name is derived from our
            # hash, so whatever holds it can only be an earlier copy of this very file.
            target = alternative_name(item.remote_path, item.sha256)
            c.move(part, target, overwrite=True)
        if self.hooks.after_move:
            self.hooks.after_move(item.id)

        self._emit(item.id, "confirming")
        remote = c.stat(target)
        if remote is None or remote.size != item.size:
            raise SyncError(
                "The centre's server did not keep the whole file; it will be sent again.",
                f"after MOVE: remote size {remote.size if remote else None} != {item.size}",
                permanent=False,
            )
        how = "size+etag" if remote.etag else "size"
        if remote.sha256 or self.settings.confirm == "sha256":
            how = self._same_bytes(remote, item)
            if not how:
                raise SyncError(
                    "The copy on the centre's server does not match; it will be sent again.",
                    "after MOVE: remote SHA-256 differs",
                    permanent=False,
                )
        self._mark_sent(item, target, remote.etag or put_etag, how)
        self.summary.sent += 1
        return ItemOutcome(item.id, item.filename, "sent")

    def _already_there(self, item: OutboxItem, target: str, etag: str, how: str) -> ItemOutcome:
        assert item.id is not None
        self._mark_sent(item, target, etag, how)
        self.bytes_done += item.size
        self.summary.already_there += 1
        return ItemOutcome(item.id, item.filename, "already_there")

    def _same_bytes(self, remote: RemoteFile, item: OutboxItem) -> str:
        """How we know `remote` holds exactly this item's bytes ("" if it does not)."""
        if remote.size is not None and remote.size != item.size:
            return ""
        if remote.sha256:
            return "checksum" if remote.sha256 == item.sha256 else ""
        digest = self.client.sha256_of(remote.path, self.cancel)
        return "sha256" if digest == item.sha256 else ""

    def _mark_sent(self, item: OutboxItem, target: str, etag: str, how: str) -> None:
        assert item.id is not None
        self._update(
            item.id, state=OutboxState.SENT.value, remote_path=target, remote_etag=etag,
            confirmed_by=how, sent_at=utcnow(), part_path="", failure_reason="", last_error="",
            next_attempt_at=None,
        )
