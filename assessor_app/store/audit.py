"""Append-only, hash-chained audit trail of judgements and signatures.

Each entry's hash covers its own fields and the previous entry's hash, so deleting, reordering or
altering any entry breaks the chain from that point on.

Two entry formats (docs/dev/audit-redaction.md):

- format 1 (entries written before migration 0009): the hash covers `content_hash` and
  `details_json` themselves.
- format 2 (every new entry): the hash covers `details_digest` = sha256(salt + [content_hash,
  details_json]) with a random salt per entry. Erasing a learner replaces their entries' details
  with `REDACTED`, blanks the content hash and forgets the salt: the chain still verifies, and the
  digest can no longer be matched against a guess (a name, a short reason).

A redacted entry is only accepted when a later erasure entry (action `ERASURE_ACTION`) lists it
with its hash; for format 1, whose hash cannot be recomputed without the details, the listing
also pins what is left of the entry (`residual_hash`).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from assessor_app.store.models import AuditEntry
from assessor_app.store.models._common import utcnow

GENESIS = "0" * 64
FORMAT_V1 = 1
FORMAT_V2 = 2
CURRENT_FORMAT = FORMAT_V2  # what `append_audit` writes
REDACTED = '{"redacted":"learner erased"}'
ERASURE_ACTION = "learner.erase"
_V2_TAG = "assessor-app-audit/2"


def _sha(payload: list[Any]) -> str:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _entry_hash(seq: int, at: str, actor: str, action: str, subject: str, content_hash: str,
                details_json: str, prev_hash: str) -> str:
    """Format 1 (unchanged since the first release)."""
    return _sha([seq, at, actor, action, subject, content_hash, details_json, prev_hash])


def _entry_hash_v2(seq: int, at: str, actor: str, action: str, subject: str, digest: str,
                   prev_hash: str) -> str:
    return _sha([_V2_TAG, seq, at, actor, action, subject, digest, prev_hash])


def details_digest(salt_hex: str, content_hash: str, details_json: str) -> str:
    """What a format-2 entry's hash covers instead of its content hash and details."""
    body = json.dumps([content_hash, details_json], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(bytes.fromhex(salt_hex) + body.encode("utf-8")).hexdigest()


def hash_of(e: AuditEntry) -> str:
    """The hash an entry's stored fields give in its format (format 2: over the stored digest;
    whether the details match the digest is checked separately)."""
    if e.format == FORMAT_V1:
        return _entry_hash(e.seq, _iso(e), e.actor, e.action, e.subject, e.content_hash,
                           e.details_json, e.prev_hash)
    return _entry_hash_v2(e.seq, _iso(e), e.actor, e.action, e.subject, e.details_digest,
                          e.prev_hash)


def residual_hash(e: AuditEntry) -> str:
    """What is left of a redacted entry, as its erasure entry records it (format 1 needs it:
    its own hash cannot be recomputed without the details)."""
    return _sha(["assessor-app-audit-redacted/1", e.seq, _iso(e), e.actor, e.action, e.subject,
                 e.content_hash, e.details_json, e.prev_hash, e.entry_hash, e.format])


def _iso(entry: AuditEntry) -> str:
    return entry.at.isoformat(timespec="microseconds")


def append_audit(session: Session, *, actor: str, action: str, subject: str,
                 content_hash: str = "", details: dict[str, Any] | None = None) -> AuditEntry:
    """Add one entry in the caller's transaction (so it commits or rolls back with the change).
    `actor`, `action` and `subject` are hashed as they are and survive an erasure: ids and
    roles only, never a learner's name."""
    last = session.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc()).limit(1)).first()
    seq = (last.seq + 1) if last else 1
    prev = last.entry_hash if last else GENESIS
    details_json = json.dumps(details or {}, sort_keys=True, ensure_ascii=False, default=str)
    entry = AuditEntry(seq=seq, at=utcnow(), actor=actor, action=action, subject=subject,
                       content_hash=content_hash, details_json=details_json, prev_hash=prev,
                       entry_hash="", format=CURRENT_FORMAT)
    if CURRENT_FORMAT == FORMAT_V1:
        entry.entry_hash = _entry_hash(seq, _iso(entry), actor, action, subject, content_hash,
                                       details_json, prev)
    else:
        entry.details_salt = secrets.token_hex(16)
        entry.details_digest = details_digest(entry.details_salt, content_hash, details_json)
        entry.entry_hash = _entry_hash_v2(seq, _iso(entry), actor, action, subject,
                                          entry.details_digest, prev)
    session.add(entry)
    session.flush()
    return entry


def redact_entries(session: Session, entries: Iterable[AuditEntry]) -> list[dict[str, Any]]:
    """Drop the details, content hash and salt of these entries (in the caller's transaction);
    returns the listing the erasure entry must record for them (seq, hash, residual hash)."""
    listing = []
    for e in entries:
        e.details_json = REDACTED
        e.content_hash = ""
        e.details_salt = ""
        session.add(e)
        listing.append({"seq": e.seq, "entry_hash": e.entry_hash, "residual": residual_hash(e)})
    session.flush()
    return listing


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    problem: str = ""


def _listed_redactions(entries: list[AuditEntry]) -> dict[int, tuple[int, dict[str, Any]]]:
    """seq -> (seq of the erasure entry listing it, its listing). Erasure entries are checked
    by the chain walk like any other, so a forged listing fails there."""
    found: dict[int, tuple[int, dict[str, Any]]] = {}
    for e in entries:
        if e.action != ERASURE_ACTION or e.details_json == REDACTED:
            continue
        try:
            listed = json.loads(e.details_json).get("redacted", [])
        except (ValueError, TypeError, AttributeError):
            continue
        for item in listed if isinstance(listed, list) else []:
            if isinstance(item, dict) and isinstance(item.get("seq"), int):
                found.setdefault(item["seq"], (e.seq, item))
    return found


def _redaction_problem(e: AuditEntry, listed: dict[int, tuple[int, dict[str, Any]]]) -> str:
    """Why this redacted entry is not vouched for ("" when it is)."""
    by, item = listed.get(e.seq, (0, {}))
    if by <= e.seq:
        return f"entry {e.seq} had its details removed without an erasure recording it"
    if item.get("entry_hash") != e.entry_hash or item.get("residual") != residual_hash(e):
        return f"entry {e.seq} was altered after it was redacted (erasure entry {by})"
    return ""


def _entry_problem(e: AuditEntry, listed: dict[int, tuple[int, dict[str, Any]]]) -> str:
    redacted = e.details_json == REDACTED and not e.details_salt
    if redacted:
        problem = _redaction_problem(e, listed)
        if problem:
            return problem
    if e.format not in (FORMAT_V1, FORMAT_V2):
        return f"entry {e.seq} has an unknown format ({e.format})"
    if e.format == FORMAT_V1 and redacted:
        return ""  # its hash is vouched for by the listing, which the chain covers
    if e.format == FORMAT_V2 and not redacted:
        try:
            digest = details_digest(e.details_salt, e.content_hash, e.details_json)
        except (ValueError, TypeError):
            digest = ""
        if digest != e.details_digest:
            return f"entry {e.seq} was altered"
    return "" if hash_of(e) == e.entry_hash else f"entry {e.seq} was altered"


def verify_chain(session: Session) -> ChainReport:
    """Walk the whole trail; report the first entry that is missing, altered or out of order."""
    entries = list(session.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all())
    listed = _listed_redactions(entries)
    prev = GENESIS
    for expected_seq, e in enumerate(entries, start=1):
        if e.seq != expected_seq:
            return ChainReport(False, len(entries), f"entry {expected_seq} is missing (found {e.seq})")
        if e.prev_hash != prev:
            return ChainReport(False, len(entries), f"entry {e.seq} does not follow entry {e.seq - 1}")
        problem = _entry_problem(e, listed)
        if problem:
            return ChainReport(False, len(entries), problem)
        prev = e.entry_hash
    return ChainReport(True, len(entries))
