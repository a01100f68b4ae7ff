from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import select

from assessor_app.signoff.errors import (
    ContentChangedError,
    IncompleteUnitError,
    SignatureDateError,
    SignatureOrderError,
    SignOffRuleError,
    SignOffStateError,
    TrivialSignatureError,
)
from assessor_app.signoff.service import (
    add_signature,
    list_signoffs,
    signoff_content,
    start_signoff,
)
from assessor_app.signoff.voiding import void_signoffs_covering
from assessor_app.store import Store
from assessor_app.store.audit import verify_chain
from assessor_app.store.models import (
    AuditEntry,
    Criterion,
    EvidenceItem,
    Signature,
    SignOff,
    SignOffEvidence,
)
from tests.signoff.factory import judge, scribble, seed_scenario, sign_all

TODAY = date(2025, 11, 25)


def _learner_and_lm(s, so_id: int, lm_date: date) -> None:  # noqa: ANN001
    add_signature(s, so_id, "learner", printed_name="Priya Shah", signed_on=lm_date,
                  strokes_json=scribble(seed=1), declaration_accepted=True, today=TODAY)
    add_signature(s, so_id, "line_manager", printed_name="Sam Lee", job_title="Store manager",
                  signed_on=lm_date, strokes_json=scribble(seed=2), today=TODAY)


def test_full_sign_off_records_signatures_evidence_links_and_audit(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s)
        so = start_signoff(s, sc.learner_id, sc.unit_version_id)
        sign_all(s, so.id)
    with store.session() as s:
        so = s.get(SignOff, so.id)
        assert so.status == "signed" and not so.partial and so.completed_at is not None
        sigs = s.exec(select(Signature).where(Signature.signoff_id == so.id)).all()
        assert [g.role for g in sigs] == ["learner", "line_manager", "assessor"]
        assert all(g.content_hash == so.content_hash for g in sigs)
        links = s.exec(select(SignOffEvidence).where(SignOffEvidence.signoff_id == so.id)).all()
        assert len(links) == 3 and all(link.evidence_revision == 1 for link in links)
        actions = [e.action for e in s.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
                   if e.action.startswith("signoff.")]
        assert actions == ["signoff.start", "signoff.sign.learner", "signoff.sign.line_manager",
                           "signoff.sign.assessor", "signoff.complete"]
        assert verify_chain(s).ok
        [summary] = list_signoffs(s, sc.learner_id, sc.unit_id)
        assert summary.status == "signed" and summary.unit_reference == "H/601/1232"


def test_line_manager_dated_after_assessor_is_refused(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s)
        so = start_signoff(s, sc.learner_id, sc.unit_version_id)
        _learner_and_lm(s, so.id, date(2025, 11, 22))
        with pytest.raises(SignatureDateError, match="on or before the assessor"):
            add_signature(s, so.id, "assessor", printed_name="Alex Morgan",
                          signed_on=date(2025, 11, 21), strokes_json=scribble(seed=3),
                          today=TODAY)
        # the same day is allowed
        add_signature(s, so.id, "assessor", printed_name="Alex Morgan",
                      signed_on=date(2025, 11, 22), strokes_json=scribble(seed=3), today=TODAY)
        assert s.get(SignOff, so.id).status == "signed"


def test_future_dates_are_refused(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s)
        so = start_signoff(s, sc.learner_id, sc.unit_version_id)
        with pytest.raises(SignatureDateError, match="in the future"):
            add_signature(s, so.id, "learner", printed_name="Priya Shah",
                          signed_on=date(2025, 11, 26), strokes_json=scribble(),
                          declaration_accepted=True, today=TODAY)


def test_order_declaration_and_trivial_signature(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s)
        so = start_signoff(s, sc.learner_id, sc.unit_version_id)
        with pytest.raises(SignatureOrderError, match="learner must sign before"):
            add_signature(s, so.id, "line_manager", printed_name="Sam Lee", job_title="Manager",
                          signed_on=TODAY, strokes_json=scribble(), today=TODAY)
        with pytest.raises(SignOffRuleError, match="declaration"):
            add_signature(s, so.id, "learner", printed_name="Priya Shah", signed_on=TODAY,
                          strokes_json=scribble(), today=TODAY)
        dot = '{"format":"assessor-signature/1","canvas":{"width":600,"height":200},' \
              '"strokes":[[[0.5,0.5,0,0.5]]]}'
        with pytest.raises(TrivialSignatureError):
            add_signature(s, so.id, "learner", printed_name="Priya Shah", signed_on=TODAY,
                          strokes_json=dot, declaration_accepted=True, today=TODAY)
        add_signature(s, so.id, "learner", printed_name="Priya Shah", signed_on=TODAY,
                      strokes_json=scribble(), declaration_accepted=True, today=TODAY)
        with pytest.raises(SignatureOrderError, match="already signed"):
            add_signature(s, so.id, "learner", printed_name="Priya Shah", signed_on=TODAY,
                          strokes_json=scribble(), declaration_accepted=True, today=TODAY)


def test_unmet_criterion_refused_without_reason_and_partial_with_one(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s, complete=False)
        with pytest.raises(IncompleteUnitError) as err:
            start_signoff(s, sc.learner_id, sc.unit_version_id)
        assert err.value.unmet_criteria == ["4.4"]
        assert err.value.unticked_requirements == ["2"]
        assert "4.4" in str(err.value) and "partial" in str(err.value)
        assert s.exec(select(SignOff)).all() == []

        so = start_signoff(s, sc.learner_id, sc.unit_version_id,
                           partial_reason="Learner moving to another store; 4.4 to follow.")
        sign_all(s, so.id)
        assert so.partial and so.status == "signed"
        snap = signoff_content(so)
        assert snap["partial"] == {"reason": "Learner moving to another store; 4.4 to follow.",
                                   "unmet_criteria": ["4.4"], "unticked_requirements": ["2"]}


def test_changed_content_after_start_refuses_signature(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s)
        so = start_signoff(s, sc.learner_id, sc.unit_version_id)
        add_signature(s, so.id, "learner", printed_name="Priya Shah", signed_on=TODAY,
                      strokes_json=scribble(), declaration_accepted=True, today=TODAY)
        judge(s, _learner(s, sc.learner_id), [s.get(Criterion, sc.criteria_ids["1.1"])],
              state="not_yet")
        with pytest.raises(ContentChangedError):
            add_signature(s, so.id, "line_manager", printed_name="Sam Lee", job_title="Manager",
                          signed_on=TODAY, strokes_json=scribble(seed=2), today=TODAY)


def _learner(s, learner_id: int):  # noqa: ANN001, ANN202
    from assessor_app.store.models import Learner

    return s.get(Learner, learner_id)


def test_edit_after_signing_voids_and_both_versions_are_kept(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s)
        first = start_signoff(s, sc.learner_id, sc.unit_version_id)
        sign_all(s, first.id)
        with pytest.raises(SignOffStateError, match="already signed off"):
            start_signoff(s, sc.learner_id, sc.unit_version_id)
    with store.session() as s:  # the evidence engineer's edit path calls this first
        voided = void_signoffs_covering(s, sc.observation_id, "narrative corrected")
        assert [v.id for v in voided] == [first.id]
        item = s.get(EvidenceItem, sc.observation_id)
        item.text += " She also logged the complaint."
        s.add(item)
    with store.session() as s:
        old = s.get(SignOff, first.id)
        assert old.status == "void" and old.void_reason == "narrative corrected"
        with pytest.raises(SignOffStateError):
            add_signature(s, first.id, "assessor", printed_name="A", signed_on=TODAY,
                          strokes_json=scribble(), today=TODAY)
        second = start_signoff(s, sc.learner_id, sc.unit_version_id)
        sign_all(s, second.id)
        assert second.content_hash != old.content_hash
        old_obs = [e for e in signoff_content(old)["evidence"] if e["ref"] == "OBS-1"][0]
        new_obs = [e for e in signoff_content(second)["evidence"] if e["ref"] == "OBS-1"][0]
        assert old_obs["revision"] == 1 and new_obs["revision"] == 2
        assert "logged the complaint" in new_obs["text"]
        assert "logged the complaint" not in old_obs["text"]
        statuses = {x.id: x.status for x in list_signoffs(s, sc.learner_id)}
        assert statuses == {first.id: "void", second.id: "signed"}
        assert verify_chain(s).ok


def test_new_signoff_supersedes_an_older_signed_one(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s)
        first = start_signoff(s, sc.learner_id, sc.unit_version_id)
        sign_all(s, first.id)
        # a judgement changes without any evidence edit: the old sign-off stays until replaced
        judge(s, _learner(s, sc.learner_id), [s.get(Criterion, sc.criteria_ids["1.1"])])
        s.execute(text("UPDATE judgement SET decided_at = '2025-11-13 10:00:00.000000' "
                       "WHERE id = (SELECT max(id) FROM judgement)"))
        second = start_signoff(s, sc.learner_id, sc.unit_version_id)
        assert s.get(SignOff, first.id).status == "signed"
        sign_all(s, second.id)
        old = s.get(SignOff, first.id)
        assert old.status == "void" and f"sign-off {second.id}" in old.void_reason


def test_unfinished_signoff_is_replaced_by_a_new_start(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s)
        first = start_signoff(s, sc.learner_id, sc.unit_version_id)
        second = start_signoff(s, sc.learner_id, sc.unit_version_id)
        assert s.get(SignOff, first.id).status == "void"
        assert s.get(SignOff, second.id).status == "in_progress"
        [new, old] = list_signoffs(s, sc.learner_id)
        assert new.next_role == "learner" and old.next_role is None
