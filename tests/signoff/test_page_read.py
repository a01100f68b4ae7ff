"""`learner_overview` reads the learner's page through a plain SQLCipher snapshot (no ORM): it
must show exactly what the ORM-side functions read for the same learner."""

from __future__ import annotations

import pytest

from assessor_app.demo.builder import build_demo
from assessor_app.evidence.coverage import learner_coverage
from assessor_app.evidence.errors import NotFound
from assessor_app.evidence.refs import get_learner
from assessor_app.evidence.visits import list_visits
from assessor_app.signoff.keys import load_or_create_identity
from assessor_app.signoff.queries import Overview, learner_overview
from assessor_app.signoff.service import (
    abandon_signoff,
    start_signoff,
    unit_signoff_states,
)
from assessor_app.signoff.voiding import void_signoffs_covering
from assessor_app.specs.bootstrap import ensure_bundled_specs
from assessor_app.store import Store
from assessor_app.store.models import EvidenceItem
from tests.signoff.factory import add_learner, seed_scenario, sign_all

VISIT_FIELDS = ("id", "learner_id", "date", "place", "notes", "status", "feedback",
                "action_plan", "started_at", "closed_at")
LEARNER_FIELDS = ("id", "name", "registration", "employer", "line_manager",
                  "line_manager_email", "uln")


def assert_same_as_orm(store: Store, learner_id: int) -> Overview:
    page = learner_overview(store, learner_id)
    with store.read_session() as s:
        learner = get_learner(s, learner_id)
        assert [getattr(page.learner, f) for f in LEARNER_FIELDS] == [
            getattr(learner, f) for f in LEARNER_FIELDS]
        assert page.coverage == learner_coverage(s, learner_id)
        assert page.signoffs == unit_signoff_states(s, learner_id)
        visits = list_visits(s, learner_id)
    assert [(line.planned, line.targets) for line in page.visits] == [
        (v.planned, v.targets) for v in visits]
    assert [[getattr(line.visit, f) for f in VISIT_FIELDS] for line in page.visits] == [
        [getattr(v.visit, f) for f in VISIT_FIELDS] for v in visits]
    return page


def test_the_demo_learners_page(store: Store) -> None:
    """Visits with planned and target criteria, coverage with judgements and ticks, a signed
    unit with its three signatures."""
    ensure_bundled_specs(store)
    demo = build_demo(store, load_or_create_identity)
    assert demo is not None
    page = assert_same_as_orm(store, demo.learner_id)
    assert page.visits and any(line.planned or line.targets for line in page.visits)
    assert [s.status for s in page.signoffs.values()] == ["signed"]
    assert page.coverage.counts.met > 0


def test_sign_off_states_as_they_change(store: Store) -> None:
    """In progress, signed, voided after an edit, started again, abandoned: each read the same
    as the ORM reads it (which `test_unit_signoff_states` checks against the rules)."""
    with store.session() as s:
        sc = seed_scenario(s)
        other = add_learner(s, registration="R2002").id
    assert assert_same_as_orm(store, other).signoffs == {}
    assert assert_same_as_orm(store, sc.learner_id).signoffs == {}
    with store.session() as s:
        so_id = start_signoff(s, sc.learner_id, sc.unit_version_id).id
    assert assert_same_as_orm(store, sc.learner_id).signoffs[sc.unit_id].next_role == "learner"
    with store.session() as s:
        sign_all(s, so_id)
    assert assert_same_as_orm(store, sc.learner_id).signoffs[sc.unit_id].status == "signed"
    with store.session() as s:
        void_signoffs_covering(s, sc.observation_id, "evidence OBS-1 edited after signing")
        item = s.get(EvidenceItem, sc.observation_id)
        item.text += " Corrected."
        s.add(item)
    assert assert_same_as_orm(store, sc.learner_id).signoffs[sc.unit_id].status == "void"
    with store.session() as s:
        again = start_signoff(s, sc.learner_id, sc.unit_version_id).id
    assert assert_same_as_orm(store, sc.learner_id).signoffs[sc.unit_id].id == again
    with store.session() as s:
        abandon_signoff(s, again)
    state = assert_same_as_orm(store, sc.learner_id).signoffs[sc.unit_id]
    assert (state.id, state.status) == (so_id, "void")


def test_an_unknown_learner_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="999"):
        learner_overview(store, 999)
