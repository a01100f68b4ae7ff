"""Export a signed sync bundle (zip) for no-network sites and for the IQA.

The zip is written to a temporary file beside the target and renamed into place, so a crash or
a full disk never leaves a half bundle under the requested name.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlmodel import Session, select

from assessor_app import __version__
from assessor_app.evidence.blobstore import blob_store
from assessor_app.signoff.audit_seal import AuditHead, record_head, seal_with
from assessor_app.store import Store
from assessor_app.store.files import CHUNK, atomic_writer, sha256_bytes
from assessor_app.store.models import (
    Attachment,
    Criterion,
    ErsDocument,
    EvidenceCriterion,
    EvidenceItem,
    Judgement,
    Learner,
    OutboxItem,
    QuestionAnswer,
    SignOff,
    Unit,
    UnitVersion,
)
from assessor_app.store.models._common import utcnow
from assessor_app.sync.bundle_format import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    PUBLIC_KEY,
    SIGNATURE,
)
from assessor_app.sync.bundle_signing import BundleSigner, IdentitySigner, fingerprint
from assessor_app.sync.outbox import ers_relative_path, local_file
from assessor_app.vault.errors import FileTampered
from assessor_app.vault.filecrypt import FileCipher


class BundleExportError(Exception):
    """The bundle cannot be made (unknown learner, a stored file missing, …); nothing written."""


@dataclass(frozen=True)
class BundleProgress:
    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    phase: str  # "collecting" | "writing" | "signing" | "done"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    manifest_sha256: str
    file_count: int
    total_bytes: int
    learner_ids: list[int]
    public_key_fingerprint: str


@dataclass
class _Entry:
    path: str
    kind: str
    source: Path | None = None  # copied from disk, streaming
    data: bytes | None = None  # generated JSON
    size: int = 0
    sha256: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def _since_dt(since: date | None) -> datetime | None:
    return datetime(since.year, since.month, since.day, tzinfo=UTC) if since else None


def _json_bytes(obj: Any) -> bytes:
    return json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=True, default=str).encode()


def _schema_version(store: Store) -> str:
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() or ""


def _learners(s: Session, registration: str | None) -> list[Learner]:
    q = select(Learner).order_by(Learner.id)  # type: ignore[arg-type]
    if registration is not None:
        q = q.where(Learner.registration == registration)
    rows = list(s.exec(q).all())
    if registration is not None and not rows:
        raise BundleExportError("No learner with that registration number in this database.")
    return rows


def _unit_refs_by_version(s: Session) -> dict[int, tuple[str, int]]:
    rows = s.exec(
        select(UnitVersion.id, Unit.reference, UnitVersion.number).join(
            Unit, Unit.id == UnitVersion.unit_id  # type: ignore[arg-type]
        )
    ).all()
    return {vid: (ref, num) for vid, ref, num in rows if vid is not None}


def _collect(
    store: Store, s: Session, learner: Learner, since: datetime | None,
    versions: dict[int, tuple[str, int]],
) -> tuple[list[_Entry], set[str]]:
    assert learner.id is not None
    entries: list[_Entry] = []
    units: set[str] = set()
    entries += _collect_ers(store, s, learner, since, versions, units)
    entries += _void_notices(store, s, learner.id, since, versions, units)
    entries += _collect_evidence(store, s, learner, since, versions, units)
    entries += _collect_judgements(s, learner, since, versions)
    units.discard("")
    return entries, units


def _collect_ers(store: Store, s: Session, learner: Learner, since: datetime | None,
                 versions: dict[int, tuple[str, int]], units: set[str]) -> list[_Entry]:
    """The learner's filed ERS PDFs of signed sign-offs (adds their units to `units`)."""
    entries: list[_Entry] = []
    ers_q = (
        select(ErsDocument, SignOff)
        .join(SignOff, SignOff.id == ErsDocument.signoff_id)  # type: ignore[arg-type]
        .where(SignOff.learner_id == learner.id, SignOff.status == "signed")
        .order_by(ErsDocument.id)  # type: ignore[arg-type]
    )
    for doc, signoff in s.exec(ers_q).all():
        if since and doc.created_at < since:
            continue
        ref, ver = versions.get(signoff.unit_version_id, ("", 0))
        units.add(ref)
        entries.append(_Entry(
            path=ers_relative_path(doc.sha256), kind="ers",
            source=store.files_dir / ers_relative_path(doc.sha256), size=doc.size,
            sha256=doc.sha256,
            meta={"ers_document_id": doc.id, "signoff_id": signoff.id, "learner_id": learner.id,
                  "unit_reference": ref, "unit_version": ver, "filename": doc.filename},
        ))
    return entries


def _collect_evidence(store: Store, s: Session, learner: Learner, since: datetime | None,
                      versions: dict[int, tuple[str, int]], units: set[str]) -> list[_Entry]:
    """The learner's live evidence as JSON, with their attachments' blobs."""
    entries: list[_Entry] = []
    blobs = blob_store(store)
    ev_q = (
        select(EvidenceItem)
        .where(EvidenceItem.learner_id == learner.id, EvidenceItem.deleted == False)  # noqa: E712
        .order_by(EvidenceItem.id)  # type: ignore[arg-type]
    )
    for item in s.exec(ev_q).all():
        if since and item.updated_at < since:
            continue
        criteria = []
        crit_rows = s.exec(
            select(Criterion)
            .join(EvidenceCriterion, EvidenceCriterion.criterion_id == Criterion.id)  # type: ignore[arg-type]
            .where(EvidenceCriterion.evidence_id == item.id)
            .order_by(Criterion.version_id, Criterion.position)  # type: ignore[arg-type]
        ).all()
        for c in crit_rows:
            ref, ver = versions.get(c.version_id, ("", 0))
            units.add(ref)
            criteria.append({"criterion_id": c.id, "number": c.number, "unit_reference": ref,
                             "unit_version": ver})
        qa = s.exec(
            select(QuestionAnswer).where(QuestionAnswer.evidence_id == item.id)
            .order_by(QuestionAnswer.position)  # type: ignore[arg-type]
        ).all()
        atts = s.exec(
            select(Attachment).where(Attachment.evidence_id == item.id)
            .order_by(Attachment.id)  # type: ignore[arg-type]
        ).all()
        record = item.model_dump(mode="json")
        record["criteria"] = criteria
        record["questions"] = [q.model_dump(mode="json", exclude={"evidence_id"}) for q in qa]
        record["attachments"] = [
            {"sha256": a.sha256, "filename": a.filename, "mime": a.mime, "size": a.size,
             "path": f"attachments/{a.sha256}"} for a in atts
        ]
        entries.append(_Entry(path=f"evidence/{learner.id}/{item.id}.json", kind="evidence",
                              data=_json_bytes(record),
                              meta={"learner_id": learner.id, "evidence_id": item.id}))
        for a in atts:
            entries.append(_Entry(path=f"attachments/{a.sha256}", kind="attachment",
                                  source=blobs.path_for(a.sha256), size=a.size, sha256=a.sha256))
    return entries


def _collect_judgements(s: Session, learner: Learner, since: datetime | None,
                        versions: dict[int, tuple[str, int]]) -> list[_Entry]:
    """The learner's judgements as one JSON file (none when nothing is new)."""
    j_rows = s.exec(
        select(Judgement).where(Judgement.learner_id == learner.id)
        .order_by(Judgement.id)  # type: ignore[arg-type]
    ).all()
    judgements = []
    for j in j_rows:
        if since and j.decided_at < since:
            continue
        crit = s.get(Criterion, j.criterion_id)
        ref, ver = versions.get(crit.version_id, ("", 0)) if crit else ("", 0)
        rec = j.model_dump(mode="json")
        rec.update({"criterion_number": crit.number if crit else "", "unit_reference": ref,
                    "unit_version": ver})
        judgements.append(rec)
    if not judgements:
        return []
    return [_Entry(path=f"judgements/{learner.id}.json", kind="judgements",
                   data=_json_bytes(judgements), meta={"learner_id": learner.id})]


def _void_notices(store: Store, s: Session, learner_id: int, since: datetime | None,
                  versions: dict[int, tuple[str, int]], units: set[str]) -> list[_Entry]:
    """The signed void notices of the learner's voided ERSs (the ERS itself is not carried: a
    bundle never holds a void sheet as if it stood)."""
    rows = s.exec(
        select(OutboxItem, ErsDocument, SignOff)
        .join(ErsDocument, ErsDocument.id == OutboxItem.voids_document_id)  # type: ignore[arg-type]
        .join(SignOff, SignOff.id == ErsDocument.signoff_id)  # type: ignore[arg-type]
        .where(SignOff.learner_id == learner_id)
        .order_by(OutboxItem.id)  # type: ignore[arg-type]
    ).all()
    out = []
    for item, doc, signoff in rows:
        if since and item.created_at < since:
            continue
        ref, ver = versions.get(signoff.unit_version_id, ("", 0))
        units.add(ref)
        out.append(_Entry(
            path=f"void-notices/{item.sha256}.json", kind="void_notice",
            source=local_file(store.files_dir, item), size=item.size, sha256=item.sha256,
            meta={"voids_ers_document_id": doc.id, "voids_ers_sha256": doc.sha256,
                  "signoff_id": signoff.id, "learner_id": learner_id, "unit_reference": ref,
                  "unit_version": ver, "filename": item.filename},
        ))
    return out


def _dedupe(entries: Iterable[_Entry]) -> list[_Entry]:
    seen: dict[str, _Entry] = {}
    for e in entries:
        seen.setdefault(e.path, e)  # one blob shared by two items is carried once
    return list(seen.values())


def _gather(store: Store, signer: BundleSigner, learner_registration: str | None,
            since_dt: datetime | None) -> tuple[list[_Entry], list[dict[str, Any]],
                                                AuditHead | None]:
    """What goes in the bundle, per learner, and the audit trail sealed by the assessor's own
    key (its head travels in the manifest)."""
    with store.session() as s:
        versions = _unit_refs_by_version(s)
        entries: list[_Entry] = []
        learner_meta: list[dict[str, Any]] = []
        for learner in _learners(s, learner_registration):
            found, units = _collect(store, s, learner, since_dt, versions)
            if found:
                entries.extend(found)
                learner_meta.append({"id": learner.id, "registration": learner.registration,
                                     "units": sorted(units)})
        head = seal_with(s, signer.public_key, signer.sign) \
            if isinstance(signer, IdentitySigner) else None
    return _dedupe(entries), learner_meta, head


def export_bundle(
    store: Store,
    out: Path,
    signer: BundleSigner,
    *,
    learner_registration: str | None = None,
    since: date | None = None,
    progress: Callable[[BundleProgress], None] | None = None,
) -> ExportResult:
    """Write a signed bundle to `out`. Raises BundleExportError (nothing written) on problems."""
    since_dt = _since_dt(since)
    if progress:
        progress(BundleProgress(0, 0, 0, 0, "collecting"))
    entries, learner_meta, head = _gather(store, signer, learner_registration, since_dt)
    for e in entries:
        if e.data is not None:
            e.size = len(e.data)
            e.sha256 = sha256_bytes(e.data)
        elif e.source is None or not e.source.is_file():
            raise BundleExportError(
                f"A stored file is missing from this computer ({e.kind} {e.sha256[:12]}…); "
                "the bundle was not written."
            )
    total = sum(e.size for e in entries)
    out = Path(out)
    done_files = done_bytes = 0
    # Written to a temporary name and moved into place: a half bundle never exists under `out`.
    with atomic_writer(out) as fh, zipfile.ZipFile(fh, "w", allowZip64=True) as zf:
        for e in entries:
            compress = zipfile.ZIP_DEFLATED if e.kind in ("evidence", "judgements") \
                    else zipfile.ZIP_STORED  # PDFs and photos are already compressed
            if e.data is not None:
                zf.writestr(_info(e.path, compress), e.data)
            else:
                assert e.source is not None
                e.sha256, e.size = _copy_hashing(zf, e.source, _info(e.path, compress),
                                                 e.sha256, e.size, _cipher(store))
            done_files += 1
            done_bytes += e.size
            if progress:
                progress(BundleProgress(done_files, len(entries), done_bytes, total,
                                        "writing"))
        if progress:
            progress(BundleProgress(done_files, len(entries), done_bytes, total, "signing"))
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": __version__,
            "schema_version": _schema_version(store),
            "created_at": utcnow().isoformat(),
            "assessor": {"name": signer.name,
                         "public_key": base64.b64encode(signer.public_key).decode(),
                         "fingerprint": fingerprint(signer.public_key)},
            "filter": {"learner_registration": learner_registration,
                       "since": since.isoformat() if since else None},
            "learners": learner_meta,
            "files": [{"path": e.path, "kind": e.kind, "size": e.size, "sha256": e.sha256,
                       **e.meta} for e in entries],
            "audit_head": head.to_dict() if head else None,
        }
        manifest_bytes = _json_bytes(manifest)
        zf.writestr(_info(MANIFEST, zipfile.ZIP_DEFLATED), manifest_bytes)
        zf.writestr(_info(SIGNATURE, zipfile.ZIP_STORED),
                    base64.b64encode(signer.sign(manifest_bytes)) + b"\n")
        zf.writestr(_info(PUBLIC_KEY, zipfile.ZIP_STORED),
                    b"ed25519 " + base64.b64encode(signer.public_key) + b"\n")
    if head is not None:
        record_head(store.files_dir, head, f"bundle {sha256_bytes(manifest_bytes)[:16]}")
    if progress:
        progress(BundleProgress(done_files, len(entries), done_bytes, total, "done"))
    return ExportResult(out, sha256_bytes(manifest_bytes), len(entries), total,
                        [m["id"] for m in learner_meta], fingerprint(signer.public_key))


def _info(name: str, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    info.compress_type = compress
    info.external_attr = 0o100644 << 16  # a regular file, never a link
    return info


def _cipher(store: Store) -> FileCipher | None:
    """Stored files are encrypted at rest with the data folder's key (none: plaintext)."""
    return store.key.file_cipher() if store.key is not None else None


def _copy_hashing(
    zf: zipfile.ZipFile, source: Path, info: zipfile.ZipInfo, expected_sha: str,
    expected_size: int, cipher: FileCipher | None = None
) -> tuple[str, int]:
    """Copy a stored file (decrypted when kept encrypted at rest) into the zip, hashing it."""
    h = hashlib.sha256()
    size = 0
    with source.open("rb") as src, zf.open(info, "w", force_zip64=True) as dst:
        encrypted = cipher is not None and cipher.is_encrypted(source)
        chunks = (cipher.decrypt_chunks(src, "stored file") if cipher is not None and encrypted
                  else iter(lambda: src.read(CHUNK), b""))
        try:
            for chunk in chunks:
                h.update(chunk)
                size += len(chunk)
                dst.write(chunk)
        except FileTampered:
            size = -1
    digest = h.hexdigest()
    if (expected_sha and digest != expected_sha) or (expected_size and size != expected_size):
        raise BundleExportError(
            "A stored file on this computer no longer matches its record (damaged?); the bundle "
            f"was not written. ({info.filename})"
        )
    return digest, size
