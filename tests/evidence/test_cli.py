"""The headless CLI, in process through `assessor_app.cli.main`, and once as a real subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from assessor_app.cli import main
from assessor_app.store import open_store
from tests.evidence.factory import build_unit

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(db_path: Path) -> str:
    """A database with three units (K and H enrolled later by the tests, L never)."""
    store = open_store(db_path)
    build_unit(store, "K/503/8194", {"1": ["1.1", "1.2"], "2": ["2.1", "2.2", "2.3"]},
               title="Principles of customer relationships",
               requirements=[("1", "An observation")])
    build_unit(store, "H/601/1232", {"1": ["1.1", "1.2"]}, title="Improve the relationship")
    build_unit(store, "L/601/1239", {"1": ["1.1"]}, title="Build customer relations")
    store.close()
    return str(db_path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def count(db: str, table: str) -> int:
    store = open_store(db)
    try:
        with store.session() as s:
            return s.execute(text(f"select count(*) from {table}")).scalar_one()
    finally:
        store.close()


def setup_learner(capsys, db: str) -> None:
    assert run(capsys, "learner", "add", "--name", "Priya Shah", "--reg", "R1001",
               "--employer", "Corner Shop", "--line-manager", "Sam Lee",
               "--email", "sam@example.com", "--db", db)[0] == 0
    assert run(capsys, "enrol", "R1001", "K/503/8194", "--db", db)[0] == 0
    assert run(capsys, "enrol", "R1001", "H/601/1232", "--db", db)[0] == 0


def test_record_judge_and_cover(capsys, db: str, tmp_path: Path) -> None:
    setup_learner(capsys, db)
    code, out, _ = run(capsys, "learner", "list", "--json", "--db", db)
    assert code == 0
    assert [(r["registration"], r["name"], r["line_manager_email"]) for r in json.loads(out)] == [
        ("R1001", "Priya Shah", "sam@example.com")]

    photo = tmp_path / "display.jpg"
    photo.write_bytes(b"jpeg bytes")
    code, out, _ = run(capsys, "evidence", "add", "R1001", "--kind", "observation",
                       "--text", "Dealt with a complaint about a refund",
                       "--criteria", "K/503/8194:1.1,K/503/8194:2.3,H/601/1232:1.2",
                       "--date", "2024-11-12", "--attach", str(photo), "--db", db)
    assert code == 0
    obs_id = int(out.strip())  # just the id on stdout
    code, out, _ = run(capsys, "evidence", "add", "R1001", "--kind", "questioning",
                       "--criteria", "K/503/8194:1.2",
                       "--qa", "Why seek feedback?|To improve the service|yes",
                       "--qa", "Name a channel|Email|", "--db", db)
    assert code == 0
    qa_id = int(out.strip())
    code, out, _ = run(capsys, "evidence", "add", "R1001", "--kind", "witness",
                       "--text", "She was calm", "--witness-name", "Sam Lee",
                       "--witness-role", "Manager", "--witness-relationship", "Line manager",
                       "--witness-contact", "sam@example.com", "--db", db)
    assert code == 0

    code, out, _ = run(capsys, "judge", "R1001", "K/503/8194", "1.1", "met", "--by", "A. Assessor",
                       "--db", db)
    assert code == 0 and "met" in out

    code, out, _ = run(capsys, "coverage", "R1001", "--json", "--db", db)
    assert code == 0
    data = json.loads(out)
    assert data["learner"] == "R1001"
    units = {u["reference"]: {c["number"]: (c["state"], c["evidence"]) for c in u["criteria"]}
             for u in data["units"]}
    assert units == {
        "H/601/1232": {"1.1": ("unevidenced", []), "1.2": ("evidenced", [obs_id])},
        "K/503/8194": {"1.1": ("met", [obs_id]), "1.2": ("evidenced", [qa_id]),
                       "2.1": ("unevidenced", []), "2.2": ("unevidenced", []),
                       "2.3": ("evidenced", [obs_id])},
    }
    code, out, _ = run(capsys, "coverage", "R1001", "--db", db)
    assert code == 0
    assert "K/503/8194" in out and "● 1.1" in out and f"#{obs_id}" in out
    assert "[ ] requirement 1" in out

    code, out, _ = run(capsys, "evidence", "list", "R1001", "--json", "--db", db)
    rows = json.loads(out)
    assert [(r["id"], r["ref"], r["attachments"]) for r in rows] == [  # by date, then id
        (obs_id, "OBS-1", 1), (qa_id, "QA-1", 0), (qa_id + 1, "WT-1", 0)]
    code, out, _ = run(capsys, "evidence", "search", "R1001", "refund", "--json", "--db", db)
    assert [h["evidence_id"] for h in json.loads(out)] == [obs_id]
    code, out, _ = run(capsys, "evidence", "search", "R1001", "improve", "--db", db)
    assert f"{qa_id}" in out and "[improve]" in out.lower()


@pytest.mark.parametrize(("argv", "message"), [
    (["evidence", "add", "R9999", "--kind", "observation"], "No learner has registration"),
    (["evidence", "add", "R1001", "--kind", "essay"], "not a kind of evidence"),
    (["evidence", "add", "R1001", "--kind", "observation", "--criteria", "K/503/8194:7.7"],
     "K/503/8194 has no criterion 7.7"),
    (["evidence", "add", "R1001", "--kind", "observation", "--criteria",
      "K/503/8194:1.1,L/601/1239:1.1"], "not enrolled on unit L/601/1239"),
    (["evidence", "add", "R1001", "--kind", "observation", "--criteria", "X/000/0000:1.1"],
     "X/000/0000 is not in the library"),
    (["evidence", "add", "R1001", "--kind", "observation", "--attach", "/nonexistent/p.jpg"],
     "'p.jpg' is not there"),
    (["evidence", "add", "R1001", "--kind", "questioning", "--qa", "a|b|maybe"],
     "yes, no or empty"),
    (["enrol", "R1001", "Z/111/2222"], "Z/111/2222 is not in the library"),
    (["judge", "R1001", "K/503/8194", "2.1", "met"], "no evidence is mapped"),
    (["learner", "add", "--name", "Dup", "--reg", "R1001"], "already has registration"),
    (["visit", "close", "999", "--feedback", "f", "--action-plan", "p"], "no visit 999"),
])
def test_errors_are_plain_and_write_nothing(capsys, db: str, argv, message) -> None:
    setup_learner(capsys, db)
    before = {t: count(db, t) for t in ("learner", "evidence_item", "evidence_criterion",
                                        "attachment", "judgement", "enrolment", "visit")}
    code, out, err = run(capsys, *argv, "--db", db)
    assert code != 0
    assert message in err and "Traceback" not in err
    assert out == ""
    assert {t: count(db, t) for t in before} == before


def test_visits_carry_the_action_plan(capsys, db: str) -> None:
    setup_learner(capsys, db)
    code, out, _ = run(capsys, "visit", "start", "R1001", "--date", "2024-11-12",
                       "--place", "Shop", "--db", db)
    assert code == 0
    first = int(out)
    code, out, _ = run(capsys, "evidence", "add", "R1001", "--kind", "observation", "--text", "x",
                       "--db", db)
    code, out, _ = run(capsys, "evidence", "list", "R1001", "--json", "--db", db)
    assert json.loads(out)[0]["visit_id"] == first  # the visit in progress
    code, _, err = run(capsys, "visit", "close", str(first), "--feedback", "Good",
                       "--action-plan", "Read policy", "--target", "K/503/8194:2.1,H/601/1232:1.1",
                       "--db", db)
    assert code == 0, err
    code, out, _ = run(capsys, "visit", "start", "R1001", "--db", db)
    second = int(out)
    code, out, _ = run(capsys, "visit", "list", "R1001", "--json", "--db", db)
    visits = {v["id"]: v for v in json.loads(out)}
    assert visits[first]["status"] == "completed"
    assert visits[first]["targets"] == ["H/601/1232:1.1", "K/503/8194:2.1"]
    assert visits[second]["planned"] == ["H/601/1232:1.1", "K/503/8194:2.1"]
    assert visits[second]["status"] == "in_progress"


def test_env_var_names_the_database(capsys, db: str, monkeypatch) -> None:
    monkeypatch.setenv("ASSESSOR_APP_DB", db)
    assert run(capsys, "learner", "add", "--name", "Env Person", "--reg", "E1")[0] == 0
    assert count(db, "learner") == 1


def test_learner_to_coverage_in_process(capsys, db: str) -> None:  # noqa: ANN001
    def cli(*argv: str) -> tuple[int, str, str]:
        return run(capsys, *argv, "--db", db)

    assert cli("learner", "add", "--name", "Sub Process", "--reg", "S1")[0] == 0
    assert cli("enrol", "S1", "K/503/8194")[0] == 0
    code, out, err = cli("evidence", "add", "S1", "--kind", "product", "--text", "A leaflet",
                         "--criteria", "K/503/8194:2.2")
    assert code == 0, err
    evidence_id = int(out.strip())
    code, out, err = cli("coverage", "S1", "--json")
    assert code == 0, err
    k = json.loads(out)["units"][0]
    assert {c["number"]: c["evidence"] for c in k["criteria"]}["2.2"] == [evidence_id]
    code, _, err = cli("evidence", "add", "S1", "--kind", "observation",
                       "--criteria", "L/601/1239:1.1")
    assert code != 0
    assert "not enrolled on unit L/601/1239" in err and "Traceback" not in err
