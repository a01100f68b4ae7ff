from __future__ import annotations

from dataclasses import dataclass

import pytest

from assessor_app.signoff.keys import AssessorIdentity, load_or_create_identity
from assessor_app.signoff.service import start_signoff
from assessor_app.store import Store
from tests.signoff.factory import SeedScenario, seed_scenario, sign_all


@dataclass
class Signed:
    scenario: SeedScenario
    signoff_id: int


@pytest.fixture
def signed(store: Store) -> Signed:
    with store.session() as s:
        sc = seed_scenario(s)
        so = start_signoff(s, sc.learner_id, sc.unit_version_id)
        sign_all(s, so.id)
    assert so.id is not None
    return Signed(sc, so.id)


@pytest.fixture
def identity(store: Store) -> AssessorIdentity:
    return load_or_create_identity(store, "Alex Morgan")
