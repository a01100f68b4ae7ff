"""One file's way to the centre's server, run by one of the sync run's worker threads.

It talks to the server only (its own keep-alive connection); what the database must record about
the outcome is returned to the run, which writes the outcomes of several files in one transaction.
The one exception is a retry that finds a stale temporary file: its fresh temp name is recorded
before anything is uploaded, so a crash can never orphan a temp file. The steps (after
the run has claimed the item: state "uploading", attempts+1, remote path fixed):

1. (claimed by the run)
2. delete the temporary file a previous, interrupted attempt may have left;
3. on a retry, if the final name already holds these exact bytes (a crash after MOVE), just
   mark it sent without uploading again;
4. PUT to a hidden temporary name in the same folder: exactly the bytes read (and decrypted)
   once from the local copy and checked against the filed size and SHA-256 before sending;
5. MOVE it into place with Overwrite: F. If the name is taken: by these same bytes → done; by
   different bytes (someone else's sheet) → never destroy them, use a second deterministic name
   (`<stem>-<sha256 prefix>.pdf`);
6. confirm, and only then mark it sent: a MOVE into the asked-for name answered 201 Created
   (with Overwrite: F, the server says it made that name just now, from our temp file) after a
   PUT answered 2xx already proves the file is there, whole (`confirm="size"`); any other answer
   (200/204 say nothing about what was created), the second name, or `confirm="sha256"`:
   PROPFIND the final file and compare size (+ server checksum, or GET-and-hash).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from assessor_app.store import Store
from assessor_app.store.models import OutboxItem, OutboxState
from assessor_app.store.models._common import utcnow
from assessor_app.sync.claims import Claimed
from assessor_app.sync.errors import SyncError
from assessor_app.sync.http11 import ConnectionDropped
from assessor_app.sync.layout import alternative_name, part_name
from assessor_app.sync.local_files import LocalFileChanged, LocalReader
from assessor_app.sync.settings import SyncSettings
from assessor_app.sync.webdav import RemoteFile, WebDavClient


@dataclass(frozen=True)
class Confirmed:
    """The file is on the server, complete: where, its ETag, and how we know."""

    target: str
    etag: str
    how: str
    already_there: bool = False


@dataclass
class Transfer:
    """What a worker needs to send files (`store`: where the filed PDFs are read from):
    `record` writes one item's fields at once (its own transaction), `on_bytes` and `on_phase`
    report progress (thread-safe callables)."""

    settings: SyncSettings
    store: Store
    record: Callable[..., None]
    on_bytes: Callable[[int], None]
    on_phase: Callable[[int, str], None]
    cancel: threading.Event | None
    after_put: Callable[[int], None] | None = None
    after_move: Callable[[int], None] | None = None
    reader: LocalReader = field(init=False)

    def __post_init__(self) -> None:
        self.reader = LocalReader(self.store)

    def send(self, c: WebDavClient, item: OutboxItem | Claimed, stale_part: str) -> Confirmed:
        assert item.id is not None
        data = self.reader.read(item)  # decrypted when kept encrypted; size and hash checked

        self.on_phase(item.id, "checking")
        if stale_part:  # left by an interrupted attempt: remove it, then use a fresh name
            c.delete(stale_part)
            item.part_path = part_name(item.remote_path, uuid.uuid4().hex[:16])
            self.record(item.id, part_path=item.part_path)
        folder = item.remote_path.rpartition("/")[0]
        if folder:
            c.ensure_folder(folder)

        if item.attempts > 1:
            # Tried before: a crash after MOVE may have left it in place already.
            for candidate in (item.remote_path, alternative_name(item.remote_path, item.sha256)):
                remote = c.stat(candidate)
                if remote is not None and not remote.is_collection:
                    how = self.same_bytes(c, remote, item)
                    if how:
                        return Confirmed(candidate, remote.etag, how, already_there=True)

        self.on_phase(item.id, "uploading")
        part = item.part_path
        put_etag = c.put_file(part, data, item.size, on_chunk=lambda b: self.on_bytes(len(b)),
                              cancel=self.cancel, sha256=item.sha256)
        if self.after_put:
            self.after_put(item.id)
        return self._move_into_place(c, item, part, put_etag)

    def _move_into_place(self, c: WebDavClient, item: OutboxItem | Claimed, part: str,
                         put_etag: str) -> Confirmed:
        assert item.id is not None
        target = item.remote_path
        try:
            status = c.move_status(part, target, overwrite=False)
        except ConnectionDropped:
            # No answer: the MOVE may or may not have happened. Look before moving again (a
            # second MOVE after a first that worked would find no temporary file).
            remote = c.stat(target)
            how = self.same_bytes(c, remote, item) if remote and not remote.is_collection else ""
            if remote is not None and how:
                if self.after_move:
                    self.after_move(item.id)
                return Confirmed(target, remote.etag or put_etag, how)
            status = c.move_status(part, target, overwrite=False)
        moved_where_asked = status != 412
        if not moved_where_asked:
            # The name is taken. By our own bytes (sent from elsewhere / an earlier run)?
            remote = c.stat(target)
            how = self.same_bytes(c, remote, item) if remote and not remote.is_collection else ""
            if how:
                c.delete(part)
                return Confirmed(target, remote.etag if remote else "", how, already_there=True)
            # By different bytes: never destroy them. The second name is derived from our
            # hash, so whatever holds it can only be an earlier copy of this very file.
            target = alternative_name(item.remote_path, item.sha256)
            c.move(part, target, overwrite=True)
        if self.after_move:
            self.after_move(item.id)
        if status == 201 and self.settings.confirm == "size":
            # The server answered the PUT only after reading every byte we declared (checked
            # against the filed hash before sending), then answered 201 Created to a MOVE that
            # refuses to overwrite: the file at `target` is new and ours, whole. Asking again
            # (PROPFIND) would prove nothing more, so no extra round trip. A 200 or 204 does not
            # say the name was created (a proxy answering anything with 200 would pass), so
            # those are checked below.
            return Confirmed(target, put_etag, "put+move")
        return self._confirm(c, item, target, put_etag)

    def _confirm(self, c: WebDavClient, item: OutboxItem | Claimed, target: str,
                 put_etag: str) -> Confirmed:
        assert item.id is not None
        self.on_phase(item.id, "confirming")
        remote = c.stat(target)
        if remote is None or remote.size != item.size:
            raise SyncError(
                "The centre's server did not keep the whole file; it will be sent again.",
                f"after MOVE: remote size {remote.size if remote else None} != {item.size}",
                permanent=False,
            )
        how = "size+etag" if remote.etag else "size"
        if remote.sha256 or self.settings.confirm == "sha256":
            how = self.same_bytes(c, remote, item)
            if not how:
                raise SyncError(
                    "The copy on the centre's server does not match; it will be sent again.",
                    "after MOVE: remote SHA-256 differs",
                    permanent=False,
                )
        return Confirmed(target, remote.etag or put_etag, how)

    def same_bytes(self, c: WebDavClient, remote: RemoteFile, item: OutboxItem | Claimed) -> str:
        """How we know `remote` holds exactly this item's bytes ("" if it does not)."""
        if remote.size is not None and remote.size != item.size:
            return ""
        if remote.sha256:
            return "checksum" if remote.sha256 == item.sha256 else ""
        digest = c.sha256_of(remote.path, self.cancel)
        return "sha256" if digest == item.sha256 else ""


def sent_values(done: Confirmed) -> dict[str, object]:
    """The outbox row's fields once `done` is known."""
    return {"state": OutboxState.SENT.value, "remote_path": done.target,
            "remote_etag": done.etag, "confirmed_by": done.how, "sent_at": utcnow(),
            "part_path": "", "failure_reason": "", "last_error": "", "next_attempt_at": None}


def as_sync_error(err: object) -> SyncError:
    """The user's words for a file that could not be sent."""
    if isinstance(err, SyncError):
        return err
    if isinstance(err, LocalFileChanged):
        return SyncError(
            "This ERS file has changed on this computer since it was filed, so it was not "
            "sent. Re-file the ERS, then press Sync now.",
            str(err),
            permanent=True,
        )
    assert isinstance(err, OSError)  # the local copy could not be read
    return SyncError(
        "This ERS file could not be read on this computer. Re-file the ERS, then press Sync now.",
        f"{err.__class__.__name__}: {err.strerror or err}",
        permanent=True,
    )
