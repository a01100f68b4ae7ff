"""Erasing one learner for good: rows, search index entries, files no other learner shares and
filed PDFs, and (at the next backup run) older backup runs; then the database is compacted (VACUUM, WAL truncated) so nothing of them is left in
free pages or the WAL either. The audit trail records the erasure (counts only, no personal
data) with the ordinary append, so the hash chain still verifies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlmodel import select

from assessor_app.backup.run import PRUNE_SETTING
from assessor_app.ers.filing import ers_folder
from assessor_app.evidence.blobstore import blob_store
from assessor_app.evidence.learners import find_learner
from assessor_app.privacy.records import gather
from assessor_app.privacy.retention import Retention, retention_for
from assessor_app.store import Store
from assessor_app.store.audit import append_audit
from assessor_app.store.models import Attachment, ErsDocument, Setting
from assessor_app.vault.encrypt_existing import shred


@dataclass(frozen=True)
class EraseReport:
    learner_id: int
    rows: dict[str, int]
    files_removed: int
    documents_removed: int
    retention: Retention


def retention_of(store: Store, registration: str, today: date | None = None) -> Retention:
    """The retention rule as it applies to this learner (shown before asking to confirm)."""
    with store.read_session() as session:
        learner = find_learner(session, registration)
        assert learner.id is not None
        return retention_for(session, learner.id, today)


def erase_learner(store: Store, registration: str, today: date | None = None) -> EraseReport:
    """Erase the learner with that registration (`NotFound` if none). Irreversible."""
    with store.session() as session:
        learner = find_learner(session, registration)
        lid = learner.id
        assert lid is not None
        retention = retention_for(session, lid, today)
        records = gather(session, learner)
        counts = {t: len(r) for t, r in records.rows.items() if r}
        for row in records.deletion_order():
            session.delete(row)
            session.flush()
        still_used = set(session.exec(select(Attachment.sha256)).all())
        still_filed = set(session.exec(select(ErsDocument.sha256)).all())
        orphans = records.attachment_hashes - still_used
        documents = records.ers_hashes - still_filed
        append_audit(session, actor="assessor", action="learner.erase",
                     subject=f"learner:{lid}",
                     details={"rows": counts, "files_removed": len(orphans),
                              "documents_removed": len(documents),
                              "retention_years": retention.years,
                              "retention_past": retention.past})
        # the next backup run replaces every older one, which still hold this learner
        session.merge(Setting(key=PRUNE_SETTING, value="after erasure"))
    blobs = blob_store(store)
    for sha in orphans:
        blobs.remove(sha)
    for sha in documents:
        shred(ers_folder(store) / f"{sha}.pdf")
    compact(store)
    return EraseReport(lid, counts, len(orphans), len(documents), retention)


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
