"""`unit_signoff_states`: which sign-off the learner page shows for each unit."""

from __future__ import annotations

from assessor_app.signoff.service import (
    abandon_signoff,
    start_signoff,
    unit_signoff_states,
)
from assessor_app.signoff.voiding import void_signoffs_covering
from assessor_app.store import Store
from assessor_app.store.models import EvidenceItem
from tests.signoff.factory import add_learner, seed_scenario, sign_all


def test_no_signoff_means_no_entry(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s)
        other = add_learner(s, registration="R2002")
        assert unit_signoff_states(s, sc.learner_id) == {}
        assert unit_signoff_states(s, other.id) == {}


def test_in_progress_then_signed_then_void_after_an_edit(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s)
        so = start_signoff(s, sc.learner_id, sc.unit_version_id)
        [state] = unit_signoff_states(s, sc.learner_id).values()
        assert (state.id, state.status, state.next_role) == (so.id, "in_progress", "learner")
        sign_all(s, so.id)
        states = unit_signoff_states(s, sc.learner_id)
        assert list(states) == [sc.unit_id]
        assert (states[sc.unit_id].id, states[sc.unit_id].status) == (so.id, "signed")
        assert [g.role for g in states[sc.unit_id].signatures] == [
            "learner", "line_manager", "assessor"]
    with store.session() as s:
        void_signoffs_covering(s, sc.observation_id, "evidence OBS-1 edited after signing")
        item = s.get(EvidenceItem, sc.observation_id)
        item.text += " Corrected."
        s.add(item)
    with store.session() as s:
        state = unit_signoff_states(s, sc.learner_id)[sc.unit_id]
        assert (state.id, state.status) == (so.id, "void")
        assert state.void_reason == "evidence OBS-1 edited after signing"
        # Starting again after the void shows the new sign-off, in progress.
        again = start_signoff(s, sc.learner_id, sc.unit_version_id)
        state = unit_signoff_states(s, sc.learner_id)[sc.unit_id]
        assert (state.id, state.status) == (again.id, "in_progress")


def test_standing_signature_outranks_unfinished_and_abandoned_ones(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s)
        first = start_signoff(s, sc.learner_id, sc.unit_version_id)
        sign_all(s, first.id)
    with store.session() as s:  # the record changes, a new sign-off starts but is cancelled
        item = s.get(EvidenceItem, sc.observation_id)
        item.title += " (tidied)"
        s.add(item)
    with store.session() as s:
        second = start_signoff(s, sc.learner_id, sc.unit_version_id)
        assert unit_signoff_states(s, sc.learner_id)[sc.unit_id].id == first.id
        abandon_signoff(s, second.id)
        state = unit_signoff_states(s, sc.learner_id)[sc.unit_id]
        assert (state.id, state.status) == (first.id, "signed")
