"""Judgements: append-only history with who/when, latest wins, audited, "met" needs evidence."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from assessor_app.evidence import (
    JudgementRefused,
    NotEnrolled,
    create_evidence,
    current_judgement,
    delete_evidence,
    judgement_history,
    record_judgement,
)
from assessor_app.store.audit import verify_chain
from assessor_app.store.models import AuditEntry


def test_history_who_when_latest_wins_and_audit(store, world) -> None:
    lid, cid = world.learner.id, world.k.criteria["2.1"]
    a = create_evidence(store, lid, "observation", text="a", criteria=[cid])
    b = create_evidence(store, lid, "questioning", text="b", criteria=[cid])
    record_judgement(store, lid, cid, "not-yet", actor="Alex Assessor", reason="needs Q&A")
    record_judgement(store, lid, cid, "met", actor="Alex Assessor")
    record_judgement(store, lid, "K/503/8194:2.1", "met", actor="Chris Countersign",
                     evidence_ids=[b.evidence_id])
    history = judgement_history(store, lid, cid)
    assert [(j.state, j.decided_by) for j in history] == [
        ("met", "Chris Countersign"), ("met", "Alex Assessor"), ("not_yet", "Alex Assessor")]
    assert history[0].decided_at >= history[1].decided_at >= history[2].decided_at
    assert history[0].decided_at.tzinfo is not None
    assert json.loads(history[1].evidence_ids_json) == [a.evidence_id, b.evidence_id]
    assert json.loads(history[0].evidence_ids_json) == [b.evidence_id]
    assert current_judgement(store, lid, cid).id == history[0].id

    with store.session() as s:
        entries = s.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all()
        assert [e.action for e in entries] == ["judgement"] * 3
        assert entries[0].subject == f"learner:{lid}/criterion:{cid}"
        assert json.loads(entries[2].details_json)["state"] == "met"
        assert "Priya" not in "".join(e.subject + e.details_json for e in entries)
        assert len({e.content_hash for e in entries}) == 3
        assert verify_chain(s).ok


def test_met_without_evidence_is_refused(store, world) -> None:
    lid, cid = world.learner.id, world.k.criteria["1.4"]
    with pytest.raises(JudgementRefused, match="K/503/8194:1.4 cannot be judged met"):
        record_judgement(store, lid, cid, "met", actor="A")
    item = create_evidence(store, lid, "observation", text="x", criteria=[cid])
    delete_evidence(store, item.evidence_id)
    with pytest.raises(JudgementRefused, match="no evidence is mapped"):
        record_judgement(store, lid, cid, "met", actor="A")
    other = create_evidence(store, lid, "observation", text="y")
    with pytest.raises(JudgementRefused, match=f"Evidence {other.evidence_id} is not mapped"):
        record_judgement(store, lid, cid, "met", actor="A", evidence_ids=[other.evidence_id])
    record_judgement(store, lid, cid, "not-yet", actor="A")  # not yet needs no evidence
    assert [j.state for j in judgement_history(store, lid, cid)] == ["not_yet"]
    with store.session() as s:
        assert len(s.exec(select(AuditEntry)).all()) == 1


def test_judging_a_unit_not_enrolled_is_refused(store, world) -> None:
    with pytest.raises(NotEnrolled, match="L/601/1239"):
        record_judgement(store, world.learner.id, "L/601/1239:1.1", "not-yet", actor="A")
