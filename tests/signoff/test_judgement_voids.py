"""Changing a judgement on a signed unit voids its sign-off; restating it does not."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from assessor_app.demo.builder import SIGNED_UNIT, build_demo
from assessor_app.evidence.judgements import current_judgement, record_judgement
from assessor_app.evidence.refs import CriterionRef
from assessor_app.signoff.keys import load_or_create_identity
from assessor_app.store.audit import verify_chain
from assessor_app.store.models import AuditEntry, SignOff


def _signed(store):
    result = build_demo(store, load_or_create_identity, today=date(2026, 11, 20))
    assert result is not None and result.signoff_id is not None
    return result


def test_restating_the_same_judgement_keeps_the_signoff(store) -> None:
    result = _signed(store)
    record_judgement(store, result.learner_id, CriterionRef(SIGNED_UNIT, "1.1"), "met",
                     actor="Alex Morgan", evidence_ids=_evidence_of(store, result, "1.1"))
    with store.session() as s:
        assert s.get(SignOff, result.signoff_id).status == "signed"


def _evidence_of(store, result, number: str) -> list[int]:
    import json

    from assessor_app.evidence.refs import resolve_criteria

    with store.session() as s:
        cid = resolve_criteria(s, result.learner_id, [CriterionRef(SIGNED_UNIT, number)])[0]
        return json.loads(current_judgement(s, result.learner_id, cid).evidence_ids_json)


def test_changing_a_judgement_voids_the_signoff_and_is_audited(store) -> None:
    import pytest

    from assessor_app.evidence.errors import RecordLocked
    from assessor_app.evidence.unlock import unlocking

    result = _signed(store)
    with pytest.raises(RecordLocked, match=f"sign-off {result.signoff_id}"):
        record_judgement(store, result.learner_id, CriterionRef(SIGNED_UNIT, "2.3"), "not_yet",
                         actor="Alex Morgan", reason="Second look: not enough evidence")
    with store.session() as s:
        assert s.get(SignOff, result.signoff_id).status == "signed"
    with unlocking("IQA asked for more evidence on 2.3", actor="Alex Morgan"):
        record_judgement(store, result.learner_id, CriterionRef(SIGNED_UNIT, "2.3"), "not_yet",
                         actor="Alex Morgan", reason="Second look: not enough evidence")
    with store.session() as s:
        so = s.get(SignOff, result.signoff_id)
        assert so.status == "void"
        assert "2.3" in so.void_reason and "IQA asked for more evidence" in so.void_reason
        voids = s.exec(select(AuditEntry).where(AuditEntry.action == "signoff.void")).all()
        assert [v.subject for v in voids] == [f"signoff:{result.signoff_id}"]
        assert verify_chain(s).ok
