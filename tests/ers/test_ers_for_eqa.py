"""The ERS carries what an external quality assurer expects: qualification, centre number, ULN,
assessor ID, an overall statement, an IQA block, photo thumbnails, titled evidence and a real
creation date. Each is read back from the filed, signed PDF with pypdf."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from assessor_app.ers.blocks import IQA_HEADING
from assessor_app.ers.filing import file_ers, read_ers_document
from assessor_app.evidence.attachments import attach_file
from assessor_app.evidence.items import QA, create_evidence
from assessor_app.evidence.learners import enrol, set_learner_field
from assessor_app.setup.profile import AssessorProfile, save_profile
from assessor_app.signoff.keys import AssessorIdentity
from assessor_app.signoff.service import start_signoff
from assessor_app.store import Store
from assessor_app.store.models import SignOff
from tests.ers.pdftext import page_texts, pdf_text
from tests.signoff.factory import seed_scenario, sign_all


def _photo(path: Path) -> Path:
    img = Image.new("RGB", (640, 480), (40, 110, 200))
    for x in range(0, 640, 40):
        for y in range(480):
            img.putpixel((x, y), (250, 250, 250))
    img.save(path)
    return path


def _filed_pdf(store: Store, identity: AssessorIdentity, tmp_path: Path) -> tuple[bytes, int]:
    with store.session() as s:
        sc = seed_scenario(s)
    save_profile(store, AssessorProfile("Alex Morgan", "ASR-40417", "Riverside Skills College",
                                        "58213"))
    set_learner_field(store, sc.learner_id, "uln", "9876543210")
    enrol(store, sc.learner_id, "H/601/1232", qualification_title="Level 3 Diploma in Customer "
          "Service", qualification_number="601/7021/X")
    attach_file(store, sc.observation_id, _photo(tmp_path / "display.png"))
    create_evidence(store, sc.learner_id, "questioning", on="2025-11-13",
                    questions=[QA("What would you do if the till failed?", "Call the supervisor "
                                  "and take card details by hand.", True)],
                    criteria=["H/601/1232:1.1"])
    with store.session() as s:
        so = start_signoff(s, sc.learner_id, sc.unit_version_id)
        sign_all(s, so.id)
    assert so.id is not None
    doc = file_ers(store, so.id, identity)
    return read_ers_document(store, doc), so.id


def test_header_statement_iqa_and_metadata(store: Store, identity: AssessorIdentity,
                                           tmp_path: Path) -> None:
    pdf, signoff_id = _filed_pdf(store, identity, tmp_path)
    text = pdf_text(pdf)
    first = page_texts(pdf)[0]
    for field in ("Riverside Skills College", "Centre number 58213", "Assessor ID ASR-40417",
                  "ULN 9876543210", "Level 3 Diploma in Customer Service",
                  "Qualification number 601/7021/X", "Unit reference H/601/1232"):
        assert field in first, field
    assert "Overall statement All criteria met; unit achieved on 21 Nov 2025." in first
    assert IQA_HEADING in text
    for blank in ("IQA name", "Sampled", "Yes, sampled", "No, not sampled", "Comments"):
        assert blank in text
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None and meta.creation_date is not None
    with store.session() as s:
        completed = s.get(SignOff, signoff_id).completed_at  # type: ignore[union-attr]
    assert completed is not None
    created = meta.creation_date
    assert created.year != 2000
    assert created.replace(tzinfo=created.tzinfo or UTC) == completed.replace(
        microsecond=0, tzinfo=completed.tzinfo or UTC).astimezone(UTC)
    assert datetime.now(UTC).year >= created.year


def test_photos_are_thumbnails_and_every_item_has_a_title(store: Store,
                                                          identity: AssessorIdentity,
                                                          tmp_path: Path) -> None:
    pdf, _ = _filed_pdf(store, identity, tmp_path)
    reader = PdfReader(io.BytesIO(pdf))
    pages_with_images = [i for i, p in enumerate(reader.pages) if list(p.images)]
    assert pages_with_images, "the photo is drawn, not only named"
    appendix = next(i for i, t in enumerate(page_texts(pdf)) if "Evidence appendix" in t)
    assert pages_with_images[0] >= appendix
    text = pdf_text(pdf)
    assert "display.png" in text
    index = text[text.index("Evidence index"):text.index("Evidence appendix")]
    # the untitled questioning record is named by its content in the index
    assert "QA-2" in index and "Questioning: 1 question (What would you do if the till" in index


def test_a_sheet_without_the_new_fields_says_so_plainly(store: Store,
                                                        identity: AssessorIdentity) -> None:
    """An old snapshot (no ULN/qualification/centre number) prints dashes, never made-up values,
    and a draft with a gap says the unit is not yet achieved."""
    from assessor_app.ers.layout import render_ers
    from assessor_app.ers.view import draft_view

    with store.session() as s:
        sc = seed_scenario(s, complete=False)
        text = pdf_text(render_ers(draft_view(s, sc.learner_id, sc.unit_version_id)))
    assert "ULN —" in text and "Centre number —" in text
    assert "Unit not yet achieved: 16 of 17 criteria met; criteria not yet met: 4.4" in text
