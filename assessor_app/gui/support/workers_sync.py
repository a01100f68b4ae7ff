"""Background work for sync and bundles: plain functions for `workers.run_in_background`.

Each function runs on a pool thread, touches no widget, and returns a small result object
rather than raising for the expected problems (not set up, no password, offline), so the UI
can tell them apart; `run_in_background` would turn an exception into a bare sentence.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from assessor_app.gui.support.messages import SYNC_NOT_SET_UP, friendly_error
from assessor_app.secrets import SecretStoreUnavailable
from assessor_app.store import Store
from assessor_app.sync.errors import UNREACHABLE_MESSAGE, NotConfigured, PasswordMissing
from assessor_app.sync.queries import read_sync_settings
from assessor_app.sync.settings import SyncSettings, resolve_password
from assessor_app.sync.status_read import read_outbox

Progress = Callable[[int, str], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class ProbeOutcome:
    configured: bool
    reachable: bool = False
    authorised: bool = False
    message: str = ""
    pending: int = 0


def _settings_and_password(store: Store) -> tuple[SyncSettings, str]:
    settings = read_sync_settings(store)
    if settings is None:
        raise NotConfigured(SYNC_NOT_SET_UP)
    return settings, resolve_password(settings)


def probe_centre(store: Store) -> ProbeOutcome:
    """One cheap request (PROPFIND depth 0, short timeout): can we reach and log in?"""
    from assessor_app.sync.webdav import probe

    pending = read_outbox(store).status.pending
    try:
        settings, password = _settings_and_password(store)
    except NotConfigured as exc:
        return ProbeOutcome(False, message=friendly_error(exc), pending=pending)
    except (PasswordMissing, SecretStoreUnavailable) as exc:
        return ProbeOutcome(True, message=friendly_error(exc), pending=pending)
    result = probe(settings, password)
    return ProbeOutcome(True, result.reachable, result.authorised, result.message, pending)


def probe_settings(settings: SyncSettings, password: str) -> ProbeOutcome:
    """"Test connection" in the settings dialog, with values not yet saved."""
    from assessor_app.sync.webdav import probe

    result = probe(settings, password)
    return ProbeOutcome(True, result.reachable, result.authorised, result.message)


@dataclass(frozen=True)
class SyncOutcome:
    """How a run went, sorted for the status bar."""

    kind: str  # "done" | "offline" | "error" | "not_configured" | "cancelled"
    message: str = ""
    detail: str = ""
    sent: int = 0
    remaining: int = 0
    finished_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def run_sync(store: Store, *, automatic: bool = False, respect_backoff: bool | None = None,
             progress: Progress | None = None, cancelled: Cancelled | None = None) -> SyncOutcome:
    """Send what is due. `automatic` (timer/reconnect) leaves items that need the user alone
    and, unless told otherwise, honours retry delays; "Sync now" retries everything."""
    from assessor_app.sync.engine import SyncProgress, sync_outbox

    try:
        settings, password = _settings_and_password(store)
    except NotConfigured as exc:
        return SyncOutcome("not_configured", friendly_error(exc))
    except (PasswordMissing, SecretStoreUnavailable) as exc:
        return SyncOutcome("error", friendly_error(exc), exc.__class__.__name__)

    cancel = threading.Event()

    def report(p: SyncProgress) -> None:
        if cancelled is not None and cancelled():
            cancel.set()
        if progress is None:
            return
        if p.bytes_total:
            percent = int(100 * p.bytes_done / p.bytes_total)
        else:
            percent = 100 if p.phase == "done" else 0
        current = min(p.items_done + 1, p.items_total)
        text = f"Sending {current} of {p.items_total}" if p.items_total else "Checking"
        progress(max(0, min(100, percent)), text)

    summary = sync_outbox(store, settings, password, progress=report, cancel=cancel,
                          include_failed=not automatic,
                          respect_backoff=automatic if respect_backoff is None else respect_backoff,
                          signer=_notice_signer(store))
    sent = sum(1 for o in summary.outcomes if o.outcome in ("sent", "already_there"))
    if summary.cancelled:
        return SyncOutcome("cancelled", "Sync stopped.", sent=sent, remaining=summary.remaining)
    if summary.error == UNREACHABLE_MESSAGE:
        return SyncOutcome("offline", summary.error, summary.error_detail, sent,
                           summary.remaining)
    if summary.error:
        return SyncOutcome("error", summary.error, summary.error_detail, sent, summary.remaining)
    if summary.failed:
        problem = next((o.message for o in summary.outcomes if o.outcome == "failed"), "")
        return SyncOutcome("error", problem, "", sent, summary.remaining)
    return SyncOutcome("done", "", "", sent, summary.remaining)


def backup_after_sync(store: Store) -> str:
    """After a successful sync, back the whole record up (encrypted) to the centre's store, as
    `sync run` does; the sentence for the status bar. Expected problems do not raise."""
    from assessor_app.backup.targets import backup_to_centre
    from assessor_app.sync.errors import SyncError
    from assessor_app.vault.errors import VaultError

    try:
        settings, password = _settings_and_password(store)
        result = backup_to_centre(store, settings, password)
    except (NotConfigured, PasswordMissing, SecretStoreUnavailable, VaultError, SyncError) as exc:
        return f"Backup not made: {friendly_error(exc)}"
    return f"Backed up to the centre ({result.uploaded} new objects)."  # type: ignore[attr-defined]


def _notice_signer(store: Store):  # noqa: ANN202 - a BundleSigner or None
    """The assessor's key for signing void notices, when notices wait and the key opens
    without asking (keyring); otherwise they wait and the void ERSs stay withheld."""
    from assessor_app.signoff.keys import KeyStoreError
    from assessor_app.sync.bundle_signing import signer_for_store
    from assessor_app.sync.void_notices import notices_waiting

    if not notices_waiting(store):
        return None
    try:
        return signer_for_store(store)
    except KeyStoreError:
        return None


# -- bundles ------------------------------------------------------------------------------------


class ExportCancelled(Exception):
    """Raised from the progress callback so the export stops and removes its temporary file."""


@dataclass(frozen=True)
class BundleOutcome:
    path: Path | None = None
    files: int = 0
    size: int = 0
    fingerprint: str = ""
    needs_passphrase: str = ""
    error: str = ""
    cancelled: bool = False


def export_bundle_job(store: Store, out: Path, *, learner_registration: str | None,
                      since: date | None, passphrase: str | None = None,
                      progress: Progress | None = None,
                      cancelled: Cancelled | None = None) -> BundleOutcome:
    from assessor_app.signoff.keys import KeyStoreError, PassphraseUnavailable, WrongPassphrase
    from assessor_app.sync.bundle_export import BundleExportError, BundleProgress, export_bundle
    from assessor_app.sync.bundle_signing import signer_for_store

    try:
        signer = signer_for_store(store, passphrase=passphrase)
    except (PassphraseUnavailable, WrongPassphrase) as exc:
        return BundleOutcome(needs_passphrase=str(exc))
    except KeyStoreError as exc:
        return BundleOutcome(error=str(exc))

    def report(p: BundleProgress) -> None:
        if cancelled is not None and cancelled():
            raise ExportCancelled
        if progress is None:
            return
        words = {"collecting": "Collecting records…", "writing": "Writing files…",
                 "signing": "Signing the bundle…", "done": "Done."}
        percent = int(100 * p.bytes_done / p.bytes_total) if p.bytes_total else 0
        if p.phase in ("signing", "done"):
            percent = 100
        detail = f" ({p.files_done} of {p.files_total})" if p.phase == "writing" else ""
        progress(percent, words.get(p.phase, p.phase) + detail)

    try:
        result = export_bundle(store, out, signer, learner_registration=learner_registration,
                               since=since, progress=report)
    except ExportCancelled:
        return BundleOutcome(cancelled=True)
    except BundleExportError as exc:
        return BundleOutcome(error=str(exc))
    return BundleOutcome(result.path, result.file_count, result.total_bytes,
                         result.public_key_fingerprint)
