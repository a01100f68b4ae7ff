"""Small real ERS PDFs (reportlab) filed the way ERS filing does: rows + content-addressed blob."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlmodel import select

from assessor_app.store import Store
from assessor_app.store.models import ErsDocument, Learner, SignOff, Unit, UnitVersion
from assessor_app.sync.outbox import enqueue, ers_relative_path


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


def _learner_and_version(s, registration: str, unit_ref: str) -> tuple[int, int]:  # noqa: ANN001
    learner = s.exec(select(Learner).where(Learner.registration == registration)).first()
    if learner is None:
        learner = Learner(name=f"Learner {registration}", registration=registration)
        s.add(learner)
        s.flush()
    unit = s.exec(select(Unit).where(Unit.reference == unit_ref)).first()
    if unit is None:
        unit = Unit(reference=unit_ref)
        s.add(unit)
        s.flush()
        s.add(UnitVersion(unit_id=unit.id, number=1, content_hash="h" + unit_ref, title="Unit"))
        s.flush()
    version = s.exec(select(UnitVersion).where(UnitVersion.unit_id == unit.id)).first()
    return learner.id, version.id


def file_ers(
    store: Store,
    title: str,
    *,
    registration: str = "REG-0001",
    unit_ref: str = "K/503/8194",
    padding: int = 0,
    queue: bool = True,
) -> Filed:
    """Render a small real PDF, store it where filing puts ERS PDFs, add the rows, enqueue."""
    pdf = make_pdf(title, padding=padding)
    sha = hashlib.sha256(pdf).hexdigest()
    dest = store.files_dir / ers_relative_path(sha)
    store.key.file_cipher().write_file(dest, pdf)  # filing keeps it encrypted at rest
    with store.session() as s:
        learner_id, version_id = _learner_and_version(s, registration, unit_ref)
        signoff = SignOff(
            learner_id=learner_id, unit_version_id=version_id, content_hash=sha,
            content_json="{}", status="signed",
        )
        s.add(signoff)
        s.flush()
        doc = ErsDocument(
            signoff_id=signoff.id, sha256=sha, filename=f"ERS {title}.pdf", size=len(pdf)
        )
        s.add(doc)
        s.flush()
        item_id = enqueue(s, doc.id).id if queue else 0
        return Filed(doc.id, item_id, sha, len(pdf), pdf)


def remote_pdfs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.pdf") if p.is_file() and not p.name.startswith("."))


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


TODAY = date.today()
