"""Group headings among a unit's evidence requirements ("4. … relationships with:" above 4a–4d)
are shown but never ticked or counted: the core refuses a tick, coverage counts the 12 leaves of
L/601/1239, and the CLI says so in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from assessor_app.cli import main
from assessor_app.evidence import (
    EvidenceError,
    NotTickable,
    delete_evidence,
    learner_coverage,
    tick_requirement,
)
from assessor_app.evidence.requirements import requirement_by_key
from assessor_app.store import Store
from assessor_app.store.models import EvidenceRequirementTick
from tests.evidence.groups_scenario import GROUPS, LEAVES, UNIT, l601_learner, tick

REPO = Path(__file__).resolve().parents[2]


def _tick_rows(store: Store) -> int:
    with store.session() as s:
        return len(s.exec(select(EvidenceRequirementTick)).all())


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_a_group_heading_cannot_be_ticked(store: Store, group: str) -> None:
    sc = l601_learner(store)
    with pytest.raises(NotTickable) as err:
        tick_requirement(store, sc.evidence_id, sc.requirement_ids[group])
    assert isinstance(err.value, EvidenceError)
    message = str(err.value)
    assert f"Requirement {group} of unit {UNIT} is a heading" in message
    assert ", ".join(GROUPS[group]) in message and "\n" not in message
    assert _tick_rows(store) == 0
    # its items tick as before
    tick_requirement(store, sc.evidence_id, sc.requirement_ids[GROUPS[group][0]])
    assert _tick_rows(store) == 1


def test_coverage_counts_the_twelve_leaves_and_flags_the_headings(store: Store) -> None:
    sc = l601_learner(store)
    unit = learner_coverage(store, sc.learner_id).unit(UNIT)
    assert [r.key for r in unit.requirements] == \
        ["1", "2", "3", "4", "4a", "4b", "4c", "4d", "5", "6", "6a", "6b", "6c", "6d"]
    assert [r.key for r in unit.requirements if r.is_group] == ["4", "6"]
    assert [r.key for r in unit.checklist] == LEAVES
    assert {r.key: r.group for r in unit.requirements if r.group} == \
        {k: g for g, items in GROUPS.items() for k in items}
    assert (unit.requirements_ticked, unit.requirements_total) == (0, 12)
    assert unit.requirements[3].text.endswith("build and maintain relationships with:")

    tick(store, sc, ["1", "4a", "4b", "6d"])
    unit = learner_coverage(store, sc.learner_id).unit(UNIT)
    assert (unit.requirements_ticked, unit.requirements_total) == (4, 12)
    assert {r.key for r in unit.requirements if r.ticked} == {"1", "4a", "4b", "6d"}
    # a deleted item's ticks stop counting (the count comes from the same SQL as the rows)
    delete_evidence(store, sc.evidence_id)
    unit = learner_coverage(store, sc.learner_id).unit(UNIT)
    assert (unit.requirements_ticked, unit.requirements_total) == (0, 12)


def test_coverage_json_reports_groups_and_leaf_counts(store: Store) -> None:
    sc = l601_learner(store)
    tick(store, sc, ["4c"])
    unit = learner_coverage(store, sc.learner_id).to_json()["units"][0]
    assert unit["requirement_counts"] == {"total": 12, "ticked": 1}
    rows = {r["key"]: r for r in unit["requirements"]}
    assert rows["4"]["group"] is True and rows["4"]["ticked"] is False
    assert rows["4c"]["in_group"] == "4" and rows["4c"]["ticked"] is True
    assert rows["5"]["in_group"] is None and rows["5"]["group"] is False


def test_cli_refuses_to_tick_a_group_in_one_line(store: Store, capsys) -> None:
    sc = l601_learner(store)
    db = str(store.db_path)
    assert main(["evidence", "tick", str(sc.evidence_id), UNIT, "4", "--db", db]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "is a heading" in err and "4a, 4b, 4c, 4d" in err
    assert _tick_rows(store) == 0
    assert main(["evidence", "tick", str(sc.evidence_id), UNIT, "4a", "--db", db]) == 0
    capsys.readouterr()
    assert main(["coverage", "R4001", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "requirements 1/12 ticked" in out
    assert "[x] requirement 4a" in out and "[ ] requirement 4b" in out
    assert "[ ] requirement 4:" not in out and "requirement 4: You must provide" in out


def test_the_cli_refuses_a_group(store: Store, capsys) -> None:  # noqa: ANN001
    sc = l601_learner(store)
    with store.session() as s:
        assert requirement_by_key(s, sc.learner_id, UNIT, "6") == sc.requirement_ids["6"]
    store.close()
    db = str(store.db_path)
    assert main(["evidence", "tick", str(sc.evidence_id), UNIT, "6", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert "Requirement 6 of unit L/601/1239 is a heading" in err
    assert "6a, 6b, 6c, 6d" in err
    assert main(["coverage", "R4001", "--json", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["units"][0]["requirement_counts"] == {
        "total": 12, "ticked": 0}
