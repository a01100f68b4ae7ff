"""Sealing the audit trail: the assessor's Ed25519 signature on every entry, and the chain head
recorded outside the database.

The hash chain alone proves order, not authorship: whoever can edit the database can rewrite an
entry and recompute every hash after it, or cut off the newest entries. So whenever the
assessor's key is unlocked for something that leaves the laptop (filing an ERS, exporting a
bundle), the trail is *sealed*:

- every entry not yet signed gets an Ed25519 signature over its sequence number and hash
  (`AuditEntry.signature`, outside the hash, so sealing changes no entry);
- the head (newest sequence number and hash) is signed and recorded outside the database: in
  the filed ERS PDF (attachment ``audit-head.json``), in the bundle manifest, and in the
  ``audit/heads.jsonl`` file beside the database.

`audit_check.verify_audit` then detects a rewritten entry (its signature no longer matches),
a recomputed chain (signatures, and the heads recorded elsewhere) and deleted newest entries
(a recorded head beyond the end of the trail). Entries written since the last seal are covered
by the chain and the cross-checks only, until the next seal.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from assessor_app.signoff.keys import AssessorIdentity, verify_detached
from assessor_app.store.models import AuditEntry

HEAD_FORMAT = "assessor-app-audit-head/1"
HEADS_FILE = Path("audit") / "heads.jsonl"
HEAD_ATTACHMENT = "audit-head.json"


def entry_payload(seq: int, entry_hash: str) -> bytes:
    return f"assessor-app-audit-entry/1:{seq}:{entry_hash}".encode()


@dataclass(frozen=True)
class AuditHead:
    seq: int
    entry_hash: str
    public_key: str  # base64 raw Ed25519
    signature: str  # base64, over `payload()`
    format: str = HEAD_FORMAT

    def payload(self) -> bytes:
        return f"{HEAD_FORMAT}:{self.seq}:{self.entry_hash}".encode()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    def signature_ok(self) -> bool:
        try:
            key = base64.b64decode(self.public_key, validate=True)
            sig = base64.b64decode(self.signature, validate=True)
        except (binascii.Error, ValueError):
            return False
        return len(key) == 32 and verify_detached(key, self.payload(), sig)

    @classmethod
    def from_dict(cls, data: object) -> AuditHead | None:
        """The head in `data`, or None when it is not one (never raises)."""
        if not isinstance(data, dict) or data.get("format") != HEAD_FORMAT:
            return None
        seq, h = data.get("seq"), data.get("entry_hash")
        key, sig = data.get("public_key"), data.get("signature")
        if not (isinstance(seq, int) and all(isinstance(v, str) for v in (h, key, sig))):
            return None
        return cls(seq, str(h), str(key), str(sig))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def seal_audit(session: Session, identity: AssessorIdentity) -> AuditHead | None:
    """Sign every unsigned entry and the head with the assessor's key, in the caller's (write)
    transaction. None when the trail is empty."""
    return seal_with(session, identity.sync_public_key_bytes, identity.sign_detached)


def seal_with(session: Session, public_key: bytes,
              sign: Callable[[bytes], bytes]) -> AuditHead | None:
    key = _b64(public_key)
    for e in session.exec(select(AuditEntry).where(AuditEntry.signature == "")
                          .order_by(col(AuditEntry.seq))).all():
        e.signature = _b64(sign(entry_payload(e.seq, e.entry_hash)))
        e.signer_key = key
        session.add(e)
    last = session.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc()).limit(1)).first()
    if last is None:
        return None
    session.flush()
    unsigned = AuditHead(last.seq, last.entry_hash, key, "")
    return AuditHead(last.seq, last.entry_hash, key, _b64(sign(unsigned.payload())))


def record_head(files_dir: Path, head: AuditHead, source: str) -> None:
    """Append the head to the file beside the database (one JSON object a line, synced)."""
    path = files_dir / HEADS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({**head.to_dict(), "source": source}, sort_keys=True) + "\n"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())


def recorded_heads(files_dir: Path, read: Callable[[Path], bytes] | None = None,
                   ) -> list[tuple[str, AuditHead]]:
    """(where it was found, head) for every head recorded beside the database and in the filed
    ERS PDFs (`read` opens them: they are encrypted at rest). Unreadable lines and files are
    skipped: they cannot vouch for anything."""
    found: list[tuple[str, AuditHead]] = []
    path = files_dir / HEADS_FILE
    if path.exists():
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace")
                                 .splitlines(), 1):
            try:
                data = json.loads(line)
            except ValueError:
                continue
            head = AuditHead.from_dict(data)
            if head is not None:
                found.append((f"{HEADS_FILE.as_posix()} line {n} "
                              f"({str(data.get('source', ''))[:40]})", head))
    found += _heads_in_ers(files_dir / "ers", read or Path.read_bytes)
    return found


def _heads_in_ers(folder: Path, read: Callable[[Path], bytes]) -> list[tuple[str, AuditHead]]:
    found = []
    for pdf in sorted(folder.glob("*.pdf")) if folder.is_dir() else []:
        try:
            data = read(pdf)
        except Exception:  # noqa: BLE001 - unreadable or tampered: it vouches for nothing
            continue
        head = AuditHead.from_dict(_json_or_none(pdf_attachment(data, HEAD_ATTACHMENT)))
        if head is not None:
            found.append((f"ERS {pdf.name[:16]}", head))
    return found


def pdf_attachment(data: bytes, name: str) -> bytes | None:
    """An embedded file's bytes, or None when the PDF cannot be read or has no such file."""
    from pypdf import PdfReader  # only when heads are checked
    from pypdf.errors import PyPdfError

    try:
        found = PdfReader(io.BytesIO(data)).attachments.get(name)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError):
        return None
    return found[0] if found else None


def _json_or_none(raw: bytes | None) -> object:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None
