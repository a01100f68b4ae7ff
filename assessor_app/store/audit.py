"""Append-only, hash-chained audit trail of judgements and signatures.

Each entry's hash covers its own fields and the previous entry's hash, so deleting, reordering or
altering any entry breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from assessor_app.store.models import AuditEntry
from assessor_app.store.models._common import utcnow

GENESIS = "0" * 64


def _entry_hash(seq: int, at: str, actor: str, action: str, subject: str, content_hash: str,
                details_json: str, prev_hash: str) -> str:
    payload = json.dumps(
        [seq, at, actor, action, subject, content_hash, details_json, prev_hash],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _iso(entry: AuditEntry) -> str:
    return entry.at.isoformat(timespec="microseconds")


def append_audit(session: Session, *, actor: str, action: str, subject: str,
                 content_hash: str = "", details: dict[str, Any] | None = None) -> AuditEntry:
    """Add one entry in the caller's transaction (so it commits or rolls back with the change)."""
    last = session.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc()).limit(1)).first()
    seq = (last.seq + 1) if last else 1
    prev = last.entry_hash if last else GENESIS
    details_json = json.dumps(details or {}, sort_keys=True, ensure_ascii=False, default=str)
    at = utcnow()
    entry = AuditEntry(seq=seq, at=at, actor=actor, action=action, subject=subject,
                       content_hash=content_hash, details_json=details_json, prev_hash=prev,
                       entry_hash="")
    entry.entry_hash = _entry_hash(seq, _iso(entry), actor, action, subject, content_hash,
                                   details_json, prev)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    problem: str = ""


def verify_chain(session: Session) -> ChainReport:
    """Walk the whole trail; report the first entry that is missing, altered or out of order."""
    entries = session.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all()
    prev = GENESIS
    for expected_seq, e in enumerate(entries, start=1):
        if e.seq != expected_seq:
            return ChainReport(False, len(entries), f"entry {expected_seq} is missing (found {e.seq})")
        if e.prev_hash != prev:
            return ChainReport(False, len(entries), f"entry {e.seq} does not follow entry {e.seq - 1}")
        recomputed = _entry_hash(e.seq, _iso(e), e.actor, e.action, e.subject, e.content_hash,
                                 e.details_json, e.prev_hash)
        if recomputed != e.entry_hash:
            return ChainReport(False, len(entries), f"entry {e.seq} was altered")
        prev = e.entry_hash
    return ChainReport(True, len(entries))
