"""Visits: start, close with feedback and action plan; targets become the next visit's plan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from assessor_app.evidence import (
    NotEnrolled,
    VisitStateError,
    close_visit,
    current_visit,
    list_visits,
    plan_visit,
    start_visit,
    visit_summary,
)
from assessor_app.evidence.visits import planned_criterion_ids, resume_or_start_visit


def test_action_plan_becomes_next_visits_planned_criteria(store, world) -> None:
    lid = world.learner.id
    first = start_visit(store, lid, on="2024-11-12")
    assert first.status == "in_progress" and first.place == "Corner Shop"  # employer
    assert current_visit(store, lid).id == first.id
    with pytest.raises(VisitStateError, match="still in progress"):
        start_visit(store, lid)
    close_visit(store, first.id, feedback="Good rapport with customers",
                action_plan="Read the complaints policy",
                targets=["K/503/8194:2.1", "K/503/8194:2.2", "H/601/1232:1.2"])
    closed = visit_summary(store, first.id)
    assert closed.visit.status == "completed" and closed.visit.closed_at is not None
    assert closed.targets == ["H/601/1232:1.2", "K/503/8194:2.1", "K/503/8194:2.2"]
    assert current_visit(store, lid) is None
    with pytest.raises(VisitStateError, match="already closed"):
        close_visit(store, first.id, feedback="", action_plan="")

    second = start_visit(store, lid, on="2024-11-26", place="Back office")
    assert planned_criterion_ids(store, second.id) == sorted(
        [world.k.criteria["2.1"], world.k.criteria["2.2"], world.h.criteria["1.2"]])
    assert visit_summary(store, second.id).planned == closed.targets
    assert [v.visit.id for v in list_visits(store, lid)] == [first.id, second.id]


def test_planned_visit_is_the_one_started(store, world) -> None:
    lid = world.learner.id
    v1 = start_visit(store, lid, on="2024-11-12", place="Shop floor")
    close_visit(store, v1.id, feedback="f", action_plan="p", targets=["K/503/8194:1.3"])
    planned = plan_visit(store, lid, on="2024-11-26")
    assert planned.status == "planned" and planned.place == "Shop floor"
    assert visit_summary(store, planned.id).planned == ["K/503/8194:1.3"]
    started = start_visit(store, lid, on="2024-11-27")
    assert started.id == planned.id and started.date == date(2024, 11, 27)
    assert visit_summary(store, started.id).planned == ["K/503/8194:1.3"]  # not duplicated


def test_a_planned_visit_started_without_a_date_happens_today(store, world) -> None:
    """Starting next week's planned visit early (or a missed one late) dates it today."""
    lid = world.learner.id
    planned = plan_visit(store, lid, on=date.today() + timedelta(days=7))
    started = start_visit(store, lid)
    assert started.id == planned.id and started.date == date.today()


def test_bad_target_leaves_visit_open(store, world) -> None:
    v = start_visit(store, world.learner.id)
    with pytest.raises(NotEnrolled, match="L/601/1239"):
        close_visit(store, v.id, feedback="Well done", action_plan="Practise",
                    targets=["K/503/8194:1.1", "L/601/1239:1.1"])
    summary = visit_summary(store, v.id)
    assert summary.visit.status == "in_progress" and summary.visit.feedback == ""
    assert summary.targets == []


def test_start_visit_resumes_the_one_in_progress(store, world) -> None:
    lid = world.learner.id
    first, started = resume_or_start_visit(store, lid)
    assert started and first.status == "in_progress" and first.date == date.today()
    again, started_again = resume_or_start_visit(store, lid)
    assert (again.id, started_again) == (first.id, False)
