"""A learner with a distinctive name who is assessed, signed off (ERS filed) and then has the
evidence unlocked with a reason naming them: every way a learner's personal data reaches the
audit trail (printed names in signatures, free-text reasons in voids and unlocks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import select

from assessor_app.demo.builder import SIGNED_UNIT, recorded_signature
from assessor_app.evidence.items import create_evidence
from assessor_app.evidence.judgements import record_judgement
from assessor_app.evidence.learners import add_learner, enrol
from assessor_app.evidence.refs import CriterionRef
from assessor_app.signoff.keys import AssessorIdentity
from assessor_app.signoff.locks import unlock_evidence_record
from assessor_app.specs.queries import latest_unit_version
from assessor_app.store import Store
from assessor_app.store.models import AuditEntry
from assessor_app.workflow.signoff import SignerInput, SignOffPlan, file_plan

NAME = "Ermintrude Vantablack-Oyelaran"
LINE_MANAGER = "Bartholomew Quincunx-Aldous"
REG = "EVO-919191"
SENTENCE = "Ermintrude calmed the queue by juggling three melons beside the tills"
UNLOCK_REASON = f"{NAME} found a spelling slip in her own statement"
CRITERIA = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "3.3",
            "3.4", "4.1", "4.2", "4.3", "4.4"]
NEEDLES = (NAME, LINE_MANAGER, REG, SENTENCE, "juggling three melons", "spelling slip")


@dataclass(frozen=True)
class SignedLearner:
    learner_id: int
    evidence_id: int
    signoff_id: int
    ers_document_id: int


def add_signed_learner(store: Store, identity: AssessorIdentity,
                       unlock: bool = True) -> SignedLearner:
    """Assess, sign and file the whole unit (needs the bundled specs: build the demo first)."""
    today = date.today()
    learner = add_learner(store, NAME, REG, employer="Melon Mart", line_manager=LINE_MANAGER)
    assert learner.id is not None
    enrol(store, learner.id, SIGNED_UNIT, enrolled_on=today - timedelta(days=30))
    refs = [CriterionRef(SIGNED_UNIT, n) for n in CRITERIA]
    item = create_evidence(store, learner.id, "observation", title="Queue", text=SENTENCE,
                           on=today - timedelta(days=2), criteria=refs)
    for ref in refs:
        record_judgement(store, learner.id, ref, "met", actor="assessor",
                         evidence_ids=[item.evidence_id])
    with store.read_session() as s:
        version = latest_unit_version(s, SIGNED_UNIT)
        assert version is not None and version.id is not None
    plan = SignOffPlan(learner.id, version.id, signers=[
        SignerInput("learner", NAME, today, recorded_signature("learner"),
                    declaration_accepted=True),
        SignerInput("line_manager", LINE_MANAGER, today, recorded_signature("line_manager"),
                    job_title="Head of Melons"),
        SignerInput("assessor", identity.name, today, recorded_signature("assessor")),
    ])
    filed = file_plan(store, plan, today, identity)
    if unlock:
        unlock_evidence_record(store, item.evidence_id, UNLOCK_REASON)
    return SignedLearner(learner.id, item.evidence_id, filed.signoff_id, filed.ers_document_id)


def audit_text(store: Store) -> str:
    """Every stored field of every audit entry, as one string to search."""
    with store.read_session() as s:
        rows = s.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
        return "\n".join(str(r.model_dump()) for r in rows)


def on_disk(store: Store) -> bytes:
    """What the data folder holds, decrypted: every DB page (free ones too), the WAL, every
    encrypted blob and filed document, and every plain file (heads, key records) as it is."""
    from tests.vault.sqlcipher_pages import plaintext_of_db, plaintext_of_wal

    key = store.key.raw
    db = store.db_path
    wal = db.with_name(db.name + "-wal")
    parts = [plaintext_of_db(db, key), plaintext_of_wal(wal, key)]
    cipher = store.key.file_cipher()
    for p in sorted(store.files_dir.rglob("*")):
        if p.is_file():
            parts.append(cipher.read_file(p) if cipher.is_encrypted(p) else p.read_bytes())
    return b"\n".join(parts)
