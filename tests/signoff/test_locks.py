"""The lock rule in the core: what a signed sign-off covers is read-only until unlocked with a
reason; the unlock voids the sign-off, moves the item to a new revision, is audited, and the
signed version still renders."""

from __future__ import annotations

import pytest
from sqlmodel import select

from assessor_app.ers.layout import render_ers
from assessor_app.ers.view import view_for_signoff
from assessor_app.evidence.errors import InvalidInput, RecordLocked
from assessor_app.evidence.items import update_evidence_text
from assessor_app.signoff.locks import evidence_lock, unlock_evidence, unlock_unit
from assessor_app.signoff.service import start_signoff
from assessor_app.store import Store
from assessor_app.store.audit import verify_chain
from assessor_app.store.models import AuditEntry, EvidenceItem, SignOff
from tests.ers.pdftext import pdf_text
from tests.signoff.factory import seed_scenario, sign_all


def _signed(store: Store) -> tuple[int, int, int]:
    with store.session() as s:
        sc = seed_scenario(s)
        so = start_signoff(s, sc.learner_id, sc.unit_version_id)
        sign_all(s, so.id)
    return sc.observation_id, so.id, sc.learner_id  # type: ignore[return-value]


def test_edit_refused_then_unlock_voids_and_old_version_renders(store: Store) -> None:
    obs, so_id, _ = _signed(store)
    with store.session() as s:
        lock = evidence_lock(s, obs)
    assert lock.locked and [x.signoff_id for x in lock.signoffs] == [so_id]
    assert "sign-off" in lock.signoffs[0].label and "H/601/1232" in lock.signoffs[0].label
    with pytest.raises(RecordLocked):
        update_evidence_text(store, obs, "A stray keystroke")
    with pytest.raises(InvalidInput), store.session() as s:
        unlock_evidence(s, obs, "   ")
    with store.session() as s:
        voided = unlock_evidence(s, obs, "narrative named the wrong shop", actor="Jo Carter")
    assert [v.id for v in voided] == [so_id]
    update_evidence_text(store, obs, "Corrected narrative")  # unlocked: no refusal now
    with store.session() as s:
        so = s.get(SignOff, so_id)
        assert so.status == "void" and "narrative named the wrong shop" in so.void_reason
        assert s.get(EvidenceItem, obs).revision == 2
        assert not evidence_lock(s, obs).signoffs
        actions = [(e.action, e.actor) for e in s.exec(select(AuditEntry)).all()]
        assert ("signoff.void", "Jo Carter") in actions
        assert ("evidence.unlock", "Jo Carter") in actions
        assert verify_chain(s).ok
        old = pdf_text(render_ers(view_for_signoff(s, so_id)))
    assert "Priya took a call from a regular customer" in old
    assert "Corrected narrative" not in old


def test_unlock_unit_voids_its_signed_signoff(store: Store) -> None:
    _, so_id, learner_id = _signed(store)
    with store.session() as s:
        uv = s.get(SignOff, so_id).unit_version_id  # type: ignore[union-attr]
        assert [v.id for v in unlock_unit(s, learner_id, uv, "judgement on 2.3 reviewed")] \
            == [so_id]
        assert s.get(SignOff, so_id).status == "void"  # type: ignore[union-attr]
