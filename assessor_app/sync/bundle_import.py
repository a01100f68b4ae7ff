"""Load a colleague's bundle read-only for IQA sampling: verified first, idempotent, all or nothing.

Files go to `files_dir/imported/<manifest sha256>/` (encrypted with the data folder's file key;
read them with `read_imported_file`), written into a temporary sibling folder
(re-hashed on the way) and renamed into place; the `imported_bundle` row comes last. A refused
bundle leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from assessor_app.signoff.keys import keys_dir
from assessor_app.signoff.trust import REVOKED, UNKNOWN, SignerTrust, pin_key, signer_trust
from assessor_app.store import Store
from assessor_app.store.files import fsync_dir
from assessor_app.store.models import ImportedBundle
from assessor_app.sync.bundle_format import RESERVED, as_relative
from assessor_app.sync.bundle_verify import ZIP_READ_ERRORS, VerifyReport, verify_bundle
from assessor_app.vault.filecrypt import FileCipher, HashingReader, store_stream

IMPORTED_DIR = "imported"
# Reading the zip again can fail like verification did; writing (OSError) is reported as is.
_ZIP_DATA_ERRORS = tuple(e for e in ZIP_READ_ERRORS if e is not OSError)


class BundleRejected(Exception):
    """The bundle failed verification; `problems` names each reason. Nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class UntrustedSigner(BundleRejected):
    """The bundle is intact but its signer is unknown (not accepted) or revoked."""


@dataclass(frozen=True)
class ImportResult:
    bundle_id: int
    manifest_sha256: str
    folder: Path
    already_imported: bool
    assessor: str
    file_count: int


def imported_folder(store: Store, manifest_sha256: str) -> Path:
    return store.files_dir / IMPORTED_DIR / manifest_sha256


def import_bundle(
    store: Store,
    path: Path,
    *,
    trusted_keys: set[bytes] | None = None,
    progress: Callable[[int, int], None] | None = None,
    accept_signer: bool = False,
) -> ImportResult:
    """Verify and import. The signer must be trusted (`signoff.trust`): a revoked key is always
    refused, an unknown one only imported with `accept_signer`, which pins it for next time."""
    report = verify_bundle(path, trusted_keys=trusted_keys, progress=progress)
    if not report.ok:
        raise BundleRejected(report.problems or ["the bundle could not be verified"])
    sha = report.manifest_sha256
    with store.session() as s:
        existing = s.exec(select(ImportedBundle).where(ImportedBundle.manifest_sha256 == sha)).first()
        if existing is not None and existing.id is not None:
            return ImportResult(existing.id, sha, imported_folder(store, sha), True,
                                existing.assessor, existing.file_count)
        trust = signer_trust(s, report.public_key, keys_dir(store))
    _check_trust(trust, report, accept_signer)
    dest = imported_folder(store, sha)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".tmp-{uuid.uuid4().hex}"
    try:
        cipher = store.key.file_cipher() if store.key is not None else None
        try:
            count, total = _extract(path, report, tmp, cipher)
        except _ZIP_DATA_ERRORS as exc:  # the file changed or broke since it was verified
            raise BundleRejected([f"the bundle could not be read while importing: "
                                  f"{exc.__class__.__name__}"]) from exc
        if dest.exists():  # left by a crash between rename and the DB row: same verified bytes
            shutil.rmtree(dest)
        tmp.rename(dest)
        fsync_dir(dest.parent)  # the files are synced: the row below never outlives them
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        with store.session() as s:
            row = ImportedBundle(
                manifest_sha256=sha, assessor=report.assessor,
                public_key_fingerprint=report.fingerprint, file_count=count, total_bytes=total,
                manifest_json=report.manifest_bytes.decode("utf-8"),
            )
            s.add(row)
            if trust.status == UNKNOWN:  # accepted by the user: pinned on first contact
                pin_key(s, report.public_key, report.assessor or "unnamed assessor")
            s.flush()
            assert row.id is not None
            return ImportResult(row.id, sha, dest, False, row.assessor, count)
    except IntegrityError:  # imported concurrently by another window: theirs stands
        with store.session() as s:
            existing = s.exec(
                select(ImportedBundle).where(ImportedBundle.manifest_sha256 == sha)
            ).one()
            assert existing.id is not None
            return ImportResult(existing.id, sha, dest, True, existing.assessor,
                                existing.file_count)
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)
        raise


def _check_trust(trust: SignerTrust, report: VerifyReport, accept_signer: bool) -> None:
    if trust.status == REVOKED:
        raise UntrustedSigner([f"signed by {trust.name or 'an assessor'} with a key that has been "
                               f"revoked (key {report.fingerprint}); it cannot be imported"])
    if trust.status == UNKNOWN and not accept_signer:
        raise UntrustedSigner([
            f"signed by {report.assessor or 'someone'} with a key that is not in this laptop's "
            f"list of the centre's assessors (key {report.fingerprint}). Compare the key with "
            "the centre's list (or import that list with `keys import`); to accept this "
            "signer, import again with --trust-signer"])


def read_imported_file(store: Store, manifest_sha256: str, relative: str) -> bytes:
    """The plaintext of one file of an imported bundle (authenticated when encrypted)."""
    target = imported_folder(store, manifest_sha256) / as_relative(relative)
    if store.key is None:
        return target.read_bytes()
    return store.key.file_cipher().read_file(target, "imported file")


def _extract(path: Path, report: VerifyReport, tmp: Path,
             cipher: FileCipher | None) -> tuple[int, int]:
    """Copy every listed file (and the manifest/signature/key) into `tmp`, re-checking hashes:
    the zip could have been swapped between verification and now."""
    assert report.manifest is not None
    tmp.mkdir()
    root = tmp.resolve()
    expected = {f["path"]: f for f in report.manifest["files"]}
    count = total = 0
    with zipfile.ZipFile(path) as zf:
        for name in [*RESERVED, *sorted(expected)]:
            target = (tmp / as_relative(name)).resolve()
            if root not in target.parents:
                raise BundleRejected([f"{name!r}: would be written outside the import folder"])
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(name) as src, target.open("xb") as dst:
                reader = HashingReader(src)
                store_stream(reader, dst, cipher)
                dst.flush()
                os.fsync(dst.fileno())
            h, size = reader.digest, reader.size
            if name == RESERVED[0] and h.hexdigest() != report.manifest_sha256:
                raise BundleRejected(["manifest.json changed while importing"])
            f = expected.get(name)
            if f is not None:
                if size != f["size"] or h.hexdigest() != f["sha256"]:
                    raise BundleRejected([f"{name!r}: changed while importing"])
                count += 1
                total += size
    return count, total
