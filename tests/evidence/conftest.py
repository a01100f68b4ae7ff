"""Evidence fixtures: small units built directly with the spec models (no importer needed)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pytest

from assessor_app.evidence import add_learner, enrol
from assessor_app.store import Store
from assessor_app.store.models import Learner
from tests.evidence.factory import BuiltUnit, build_unit


@pytest.fixture
def make_unit(store: Store) -> Callable[..., BuiltUnit]:
    def make(reference: str, outcomes: dict[str, Sequence[str]], **kw) -> BuiltUnit:
        return build_unit(store, reference, outcomes, **kw)
    return make


@dataclass
class World:
    """One learner enrolled on two units; a third unit exists that they are not enrolled on."""

    learner: Learner
    k: BuiltUnit  # K/503/8194: 1.1-1.4, 2.1-2.3; requirements 1, 2
    h: BuiltUnit  # H/601/1232: 1.1-1.2, 2.1
    other: BuiltUnit  # L/601/1239, not enrolled


@pytest.fixture
def world(store: Store, make_unit) -> World:
    k = make_unit("K/503/8194", {"1": ["1.1", "1.2", "1.3", "1.4"], "2": ["2.1", "2.2", "2.3"]},
                  title="Principles of customer relationships",
                  requirements=[("1", "An observation of the learner with a customer"),
                                ("2", "A witness testimony from the line manager")])
    h = make_unit("H/601/1232", {"1": ["1.1", "1.2"], "2": ["2.1"]},
                  title="Improve the customer relationship")
    other = make_unit("L/601/1239", {"1": ["1.1", "1.2"]}, title="Build customer relations")
    learner = add_learner(store, "Priya Shah", "R1001", employer="Corner Shop",
                          line_manager="Sam Lee", line_manager_email="sam@example.com")
    enrol(store, learner.id, "K/503/8194")
    enrol(store, learner.id, "H/601/1232")
    return World(learner, k, h, other)
