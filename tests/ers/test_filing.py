from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from assessor_app.ers.filing import ers_document_path, file_ers, read_ers_document
from assessor_app.ers.pdf_signing import verify_pdf
from assessor_app.signoff.errors import SignOffStateError
from assessor_app.signoff.keys import AssessorIdentity
from assessor_app.signoff.service import start_signoff
from assessor_app.store import Store
from assessor_app.store.audit import verify_chain
from assessor_app.store.models import AuditEntry, ErsDocument
from tests.ers.conftest import Signed
from tests.signoff.factory import seed_scenario


def test_filing_stores_a_signed_content_addressed_pdf(store: Store, signed: Signed,
                                                      identity: AssessorIdentity) -> None:
    doc = file_ers(store, signed.signoff_id, identity)
    path = ers_document_path(store, doc)
    assert path.parent == store.files_dir / "ers"
    assert path.name == f"{doc.sha256}.pdf"
    data = read_ers_document(store, doc)
    assert hashlib.sha256(data).hexdigest() == doc.sha256 and len(data) == doc.size
    assert verify_pdf(data).ok
    assert data not in path.read_bytes()  # encrypted at rest
    for personal in ("Priya", "Shah", "R1001"):
        assert personal not in doc.filename and personal not in path.name
    assert doc.filename.startswith("ERS_H-601-1232_signoff-")
    again = file_ers(store, signed.signoff_id, identity)
    assert again.id == doc.id
    with store.session() as s:
        assert len(s.exec(select(ErsDocument)).all()) == 1
        last = s.exec(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert last.action == "ers.file" and last.content_hash == doc.sha256
        assert verify_chain(s).ok


def test_only_completed_signoffs_are_filed(store: Store, identity: AssessorIdentity) -> None:
    with store.session() as s:
        sc = seed_scenario(s)
        so = start_signoff(s, sc.learner_id, sc.unit_version_id)
    with pytest.raises(SignOffStateError, match="in progress"):
        file_ers(store, so.id, identity)


def test_a_signoff_voided_while_its_pdf_renders_is_not_filed(
        store: Store, signed: Signed, identity: AssessorIdentity,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering runs outside any transaction (a GUI worker); an evidence edit on the UI thread
    can void the sign-off meanwhile. The void ERS must then not be filed or queued."""
    from assessor_app.ers import filing
    from assessor_app.signoff.voiding import void_signoffs_covering
    from assessor_app.store.models import OutboxItem

    real_render = filing.render_signed_pdf

    def render_while_evidence_is_edited(*args, **kwargs) -> bytes:  # noqa: ANN002, ANN003
        pdf = real_render(*args, **kwargs)
        with store.session() as s:
            void_signoffs_covering(s, signed.scenario.observation_id, "edited meanwhile")
        return pdf

    monkeypatch.setattr(filing, "render_signed_pdf", render_while_evidence_is_edited)
    with pytest.raises(SignOffStateError, match="void"):
        file_ers(store, signed.signoff_id, identity)
    with store.session() as s:
        assert s.exec(select(ErsDocument)).all() == []
        assert s.exec(select(OutboxItem)).all() == []


def test_filing_twice_at_once_makes_one_document(store: Store, signed: Signed,
                                                 identity: AssessorIdentity,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The GUI's worker and a second request both file the same sign-off: one document, one
    outbox row (the later render is discarded)."""
    from assessor_app.ers import filing
    from assessor_app.store.models import OutboxItem

    real_render = filing.render_signed_pdf
    nested: list[ErsDocument] = []

    def render_and_file_meanwhile(*args, **kwargs) -> bytes:  # noqa: ANN002, ANN003
        pdf = real_render(*args, **kwargs)
        if not nested:  # the other caller finishes first
            monkeypatch.setattr(filing, "render_signed_pdf", real_render)
            nested.append(file_ers(store, signed.signoff_id, identity))
        return pdf

    monkeypatch.setattr(filing, "render_signed_pdf", render_and_file_meanwhile)
    doc = file_ers(store, signed.signoff_id, identity)
    assert doc.id == nested[0].id
    with store.session() as s:
        assert len(s.exec(select(ErsDocument)).all()) == 1
        assert len(s.exec(select(OutboxItem)).all()) == 1
