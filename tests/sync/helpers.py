"""ERSs filed through the real sign-off workflow (`assessor_app.workflow.signoff.file_plan`), so
sync sees exactly what the app files and queues; plus a small real PDF maker for other uses."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlmodel import Session, select

from assessor_app.ers.filing import read_ers_document
from assessor_app.evidence import create_evidence, record_judgement, unmap_criterion
from assessor_app.evidence.refs import CriterionRef
from assessor_app.evidence.unlock import unlocking
from assessor_app.signoff.keys import load_or_create_identity
from assessor_app.store import Store
from assessor_app.store.models import (
    Criterion,
    Enrolment,
    ErsDocument,
    EvidenceCriterion,
    EvidenceItem,
    Learner,
    LearningOutcome,
    OutboxItem,
    Unit,
    UnitVersion,
)
from assessor_app.workflow.signoff import SignerInput, SignOffPlan, file_plan
from tests.signoff.factory import scribble

ASSESSOR = "Alex Morgan"


def make_pdf(title: str, pages: int = 1, padding: int = 0) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(title)
    for page in range(pages):
        c.drawString(72, 760, f"Evidence Record Sheet — {title} — page {page + 1}")
        for line in range(padding):
            c.drawString(72, 740 - 12 * (line % 55), f"{title} line {line} " + "x" * 40)
            if line % 55 == 54:
                c.showPage()
        c.showPage()
    c.save()
    return buf.getvalue()


@dataclass(frozen=True)
class Filed:
    ers_document_id: int
    outbox_item_id: int
    sha256: str
    size: int
    pdf: bytes


def _unit_version(s: Session, unit_ref: str) -> int:
    """A one-criterion unit (spec rows are test data; what is filed on it is real)."""
    unit = s.exec(select(Unit).where(Unit.reference == unit_ref)).first()
    if unit is None:
        unit = Unit(reference=unit_ref)
        s.add(unit)
        s.flush()
        uv = UnitVersion(unit_id=unit.id, number=1, content_hash="h" + unit_ref, title="Unit",
                         level=2, credit_value=3)
        s.add(uv)
        s.flush()
        lo = LearningOutcome(version_id=uv.id, number="1", position=1, text="Know the customer")
        s.add(lo)
        s.flush()
        s.add(Criterion(version_id=uv.id, outcome_id=lo.id, number="1.1", position=0,
                        text="Describe what customers expect"))
        s.flush()
    version = s.exec(select(UnitVersion).where(UnitVersion.unit_id == unit.id)).one()
    assert version.id is not None
    return version.id


def _learner(s: Session, registration: str, unit_ref: str) -> tuple[int, int]:
    version_id = _unit_version(s, unit_ref)
    learner = s.exec(select(Learner).where(Learner.registration == registration)).first()
    if learner is None:
        learner = Learner(name=f"Learner {registration}", registration=registration,
                          line_manager="Sam Lee")
        s.add(learner)
        s.flush()
    unit_id = s.get(UnitVersion, version_id).unit_id  # type: ignore[union-attr]
    if s.exec(select(Enrolment).where(Enrolment.learner_id == learner.id,
                                      Enrolment.unit_id == unit_id)).first() is None:
        s.add(Enrolment(learner_id=learner.id, unit_id=unit_id, unit_version_id=version_id,
                        enrolled_at=datetime(2025, 1, 6, tzinfo=UTC)))  # before any signature
    assert learner.id is not None
    return learner.id, version_id


def file_ers(
    store: Store,
    title: str,
    *,
    registration: str | None = None,
    unit_ref: str = "K/503/8194",
    padding: int = 0,
    queue: bool = True,
) -> Filed:
    """Record one evidence item (`title`, `padding` extra lines of text) meeting the unit's
    criterion, sign the unit off as learner, line manager and assessor and file it with the
    workflow's `file_plan`, which files the PAdES-signed ERS and queues it. Without a
    `registration`, each call has a learner of its own (REG-0001, REG-0002, …), so every ERS
    stands: a second sign-off of the same learner's unit would supersede (void) the first, and
    an unsent ERS of a void sign-off is withheld. With the same `registration` again, the
    learner's earlier items are unmapped first under an explicit unlock (voiding their
    sign-offs). `queue=False` then removes the outbox row, as a database filed before filing
    and queueing shared one transaction could hold."""
    criterion = CriterionRef(unit_ref, "1.1")
    with store.session() as s:
        if registration is None:
            registration = f"REG-{len(s.exec(select(Learner.id)).all()) + 1:04d}"
        learner_id, version_id = _learner(s, registration, unit_ref)
        earlier = s.exec(select(EvidenceItem.id).join(
            EvidenceCriterion, EvidenceCriterion.evidence_id == EvidenceItem.id  # type: ignore[arg-type]
        ).where(EvidenceItem.learner_id == learner_id)).all()
    with unlocking("a new sheet for this learner's unit"):
        for evidence_id in earlier:  # each ERS lists only its own item (voids the earlier one)
            unmap_criterion(store, evidence_id, criterion)
    today = date.today()
    text = "\n".join([f"Evidence for {title}."] + [f"{title} line {n} " + "x" * 40
                                                      for n in range(padding)])
    item = create_evidence(store, learner_id, "product", title=title, text=text, on=today,
                           criteria=[criterion])
    record_judgement(store, learner_id, criterion, "met", actor=ASSESSOR,
                     evidence_ids=[item.evidence_id])
    plan = SignOffPlan(learner_id, version_id, signers=[
        SignerInput("learner", f"Learner {registration}", today, scribble(seed=1),
                    declaration_accepted=True),
        SignerInput("line_manager", "Sam Lee", today, scribble(seed=2), job_title="Manager"),
        SignerInput("assessor", ASSESSOR, today, scribble(seed=3)),
    ])
    filed = file_plan(store, plan, today, load_or_create_identity(store, ASSESSOR))
    with store.session() as s:
        doc = s.get(ErsDocument, filed.ers_document_id)
        assert doc is not None
        outbox_row = s.exec(select(OutboxItem).where(
            OutboxItem.ers_document_id == doc.id)).one()
        item_id = outbox_row.id if queue else 0
        if not queue:
            s.delete(outbox_row)
    pdf = read_ers_document(store, doc)  # filed encrypted at rest; this is what is sent
    assert item_id is not None
    return Filed(doc.id, item_id, doc.sha256, doc.size, pdf)  # type: ignore[arg-type]


def remote_pdfs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.pdf") if p.is_file() and not p.name.startswith("."))


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


TODAY = date.today()
