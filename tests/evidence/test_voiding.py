"""Signed records are locked: any change to a signed item is refused unless unlocked with a
reason; unlocked, it voids the sign-off, bumps the item's revision and leaves an intact audit
chain; refused or no-op edits void nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import col, select

from assessor_app.evidence import (
    NotEnrolled,
    RecordLocked,
    TooLong,
    add_question,
    attach_file,
    create_evidence,
    delete_evidence,
    get_evidence,
    map_criterion,
    record_judgement,
    set_evidence_field,
    tick_requirement,
    unmap_criterion,
    update_evidence_text,
)
from assessor_app.evidence.unlock import unlocking
from assessor_app.store.audit import verify_chain
from assessor_app.store.models import AuditEntry, SignOff, SignOffEvidence


def _sign(store, world, evidence_id: int) -> int:
    """A completed sign-off covering the item at its current revision, made by hand."""
    record_judgement(store, world.learner.id, "K/503/8194:1.1", "met", actor="A")  # audit entry
    with store.session() as s:
        so = SignOff(learner_id=world.learner.id, unit_version_id=world.k.version_id,
                     content_hash="c" * 64, content_json="{}", status="signed")
        s.add(so)
        s.flush()
        s.add(SignOffEvidence(signoff_id=so.id, evidence_id=evidence_id,
                              evidence_revision=get_evidence(s, evidence_id).item.revision))
        return so.id


EDITS: dict[str, Callable] = {
    "text": lambda store, w, eid, tmp: update_evidence_text(store, eid, "changed"),
    "field": lambda store, w, eid, tmp: set_evidence_field(store, eid, "end_time", "11:00"),
    "map": lambda store, w, eid, tmp: map_criterion(store, eid, "K/503/8194:1.2"),
    "unmap": lambda store, w, eid, tmp: unmap_criterion(store, eid, "K/503/8194:1.1"),
    "question": lambda store, w, eid, tmp: add_question(store, eid, "Why?", "Because"),
    "attachment": lambda store, w, eid, tmp: attach_file(store, eid, _file(tmp)),
    "tick": lambda store, w, eid, tmp: tick_requirement(store, eid, w.k.requirements["1"]),
    "delete": lambda store, w, eid, tmp: delete_evidence(store, eid),
}


def _file(tmp: Path) -> Path:
    p = tmp / "photo.png"
    p.write_bytes(b"\x89PNG fake")
    return p


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_any_edit_voids_the_signoff(store, world, tmp_path: Path, kind: str) -> None:
    item = create_evidence(store, world.learner.id, "observation", text="signed text",
                           criteria=["K/503/8194:1.1"])
    so_id = _sign(store, world, item.evidence_id)
    with pytest.raises(RecordLocked, match=f"sign-off {so_id}") as refused:
        EDITS[kind](store, world, item.evidence_id, tmp_path)
    assert refused.value.signoff_ids == (so_id,) and "--unlock" in str(refused.value)
    with store.session() as s:
        assert s.get(SignOff, so_id).status == "signed"
        assert get_evidence(s, item.evidence_id).item.revision == 1
    with unlocking("learner asked for a correction", actor="Jo Carter"):
        EDITS[kind](store, world, item.evidence_id, tmp_path)
    with store.session() as s:
        so = s.get(SignOff, so_id)
        assert so.status == "void" and so.voided_at is not None
        assert "learner asked for a correction" in so.void_reason
        assert get_evidence(s, item.evidence_id).item.revision == 2
        entries = s.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all()
        assert [e.action for e in entries] == ["judgement", "signoff.void"]
        assert entries[-1].subject == f"signoff:{so_id}"
        assert verify_chain(s).ok
    # A second edit finds no live sign-off for revision 2: nothing more is voided.
    update_evidence_text(store, item.evidence_id, "changed again")
    with store.session() as s:
        assert get_evidence(s, item.evidence_id).item.revision == 2


def test_refused_and_noop_edits_do_not_void(store, world) -> None:
    item = create_evidence(store, world.learner.id, "observation", text="signed text",
                           criteria=["K/503/8194:1.1"])
    so_id = _sign(store, world, item.evidence_id)
    with pytest.raises(TooLong):
        update_evidence_text(store, item.evidence_id, "x" * 300_000)
    assert update_evidence_text(store, item.evidence_id, "signed text").is_noop
    assert map_criterion(store, item.evidence_id, "K/503/8194:1.1").is_noop
    with pytest.raises(NotEnrolled):  # refused inside the transaction: the voiding rolls back
        map_criterion(store, item.evidence_id, world.other.criteria["1.1"])
    with store.session() as s:
        assert s.get(SignOff, so_id).status == "signed"
        assert get_evidence(s, item.evidence_id).item.revision == 1
        assert [e.action for e in s.exec(select(AuditEntry)).all()] == ["judgement"]
