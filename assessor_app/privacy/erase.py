"""Erasing one learner for good: rows, search index entries, files no other learner shares and
filed PDFs, and (at the next backup run) older backup runs; then the database is compacted (VACUUM, WAL truncated) so nothing of them is left in
free pages or the WAL either.

The audit trail: every entry about the learner (their judgements; the start, signatures, voiding
and filing of their sign-offs; unlocks of their evidence) is redacted in place (details, content
hash and salt dropped, `store.audit.redact_entries`), and one erasure entry records the counts,
the ids of the erased records (so `audit verify` expects them gone) and the redacted entries'
hashes, which keeps the chain, the seals and every recorded head verifying. No personal data is
in it. With the assessor's key at hand the trail is sealed straight away, so the erasure entry
itself is signed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlmodel import select

from assessor_app.backup.run import PRUNE_SETTING
from assessor_app.ers.filing import ers_folder
from assessor_app.evidence.blobstore import blob_store
from assessor_app.evidence.learners import find_learner
from assessor_app.privacy.audit_leftovers import earlier_leftovers, whole_trail
from assessor_app.privacy.records import LearnerRecords, gather
from assessor_app.privacy.retention import Retention, retention_for
from assessor_app.store import Store
from assessor_app.store.audit import ERASURE_ACTION, REDACTED, append_audit, redact_entries
from assessor_app.store.models import Attachment, AuditEntry, ErsDocument, Setting
from assessor_app.vault.encrypt_existing import shred

if TYPE_CHECKING:
    from assessor_app.signoff.keys import AssessorIdentity


@dataclass(frozen=True)
class EraseReport:
    learner_id: int
    rows: dict[str, int]
    files_removed: int
    documents_removed: int
    retention: Retention
    audit_entries_redacted: int = 0
    sealed: bool = False


def retention_of(store: Store, registration: str, today: date | None = None) -> Retention:
    """The retention rule as it applies to this learner (shown before asking to confirm)."""
    with store.read_session() as session:
        learner = find_learner(session, registration)
        assert learner.id is not None
        return retention_for(session, learner.id, today)


def erase_learner(store: Store, registration: str, today: date | None = None,
                  identity: AssessorIdentity | None = None) -> EraseReport:
    """Erase the learner with that registration (`NotFound` if none). Irreversible. With
    `identity`, the audit trail is sealed (and its head recorded) right after the erasure."""
    head = None
    with store.session() as session:
        learner = find_learner(session, registration)
        lid = learner.id
        assert lid is not None
        retention = retention_for(session, lid, today)
        records = gather(session, learner)
        counts = {t: len(r) for t, r in records.rows.items() if r}
        erased = _erased_ids(records)
        trail = whole_trail(session)
        earlier = earlier_leftovers(session, trail)  # left by an erasure before 0009
        about = sorted({e.seq: e for e in _entries_about(trail, lid, erased) + earlier.entries
                        }.values(), key=lambda e: e.seq)
        listing = redact_entries(session, about)
        for table, ids in earlier.erased.items():
            erased[table] = sorted(set(erased[table]) | set(ids))
        for row in records.deletion_order():
            session.delete(row)
            session.flush()
        still_used = set(session.exec(select(Attachment.sha256)).all())
        still_filed = set(session.exec(select(ErsDocument.sha256)).all())
        orphans = records.attachment_hashes - still_used
        documents = records.ers_hashes - still_filed
        append_audit(session, actor="assessor", action=ERASURE_ACTION,
                     subject=f"learner:{lid}",
                     details={"rows": counts, "files_removed": len(orphans),
                              "documents_removed": len(documents),
                              "retention_years": retention.years,
                              "retention_past": retention.past,
                              "erased": erased, "redacted": listing})
        if identity is not None:
            from assessor_app.signoff.audit_seal import seal_audit  # keys only when sealing

            head = seal_audit(session, identity)
        # the next backup run replaces every older one, which still hold this learner
        session.merge(Setting(key=PRUNE_SETTING, value="after erasure"))
    if head is not None:
        from assessor_app.signoff.audit_seal import record_head

        record_head(store.files_dir, head, "learner erasure")
    blobs = blob_store(store)
    for sha in orphans:
        blobs.remove(sha)
    for sha in documents:
        shred(ers_folder(store) / f"{sha}.pdf")
    compact(store)
    return EraseReport(lid, counts, len(orphans), len(documents), retention, len(listing),
                       head is not None)


def _erased_ids(records: LearnerRecords) -> dict[str, list[int]]:
    """Ids of the erased records the audit trail describes (`audit verify` expects them gone)."""
    return {table: sorted(r.id for r in records.rows.get(table, []))  # type: ignore[attr-defined]
            for table in ("signoff", "judgement", "ers_document", "evidence_item")}


def _entries_about(trail: list[AuditEntry], learner_id: int,
                   erased: dict[str, list[int]]) -> list[AuditEntry]:
    """Every audit entry about this learner not yet redacted, found by its subject (subjects
    name ids only). Ids are reused after an erasure: that one's entries are redacted already,
    and its erasure entry (same subject) must stay as it is."""
    subjects = {f"learner:{learner_id}"}
    subjects |= {f"signoff:{i}" for i in erased["signoff"]}
    subjects |= {f"evidence:{i}" for i in erased["evidence_item"]}
    return [e for e in trail if e.details_json != REDACTED and e.action != ERASURE_ACTION
            and (e.subject in subjects or e.subject.startswith(f"learner:{learner_id}/"))]


def compact(store: Store) -> None:
    """Rebuild the search index from what is left, then VACUUM and truncate the WAL, so deleted
    content survives in no free page, old index segment or WAL frame."""
    with store.session() as session:
        session.exec(text("INSERT INTO evidence_fts(evidence_fts) VALUES ('rebuild')"))
    store.engine.dispose()  # no pooled connection may hold an old snapshot open
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("VACUUM")
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cur.close()
    finally:
        raw.close()
    store.engine.dispose()
