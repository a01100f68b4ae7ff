"""The review core: an assessor's corrections are applied, validated, recorded (who, when, what)
with the unit version and shown in its structured YAML and `specs show`."""

from __future__ import annotations

import json

import pytest
import yaml
from sqlmodel import select

from assessor_app.specs.errors import SpecError
from assessor_app.specs.importer import import_all, prepare
from assessor_app.specs.model import NoteSpec
from assessor_app.specs.parser import parse_file, parse_text
from assessor_app.specs.review import Review, split_suggestion
from assessor_app.specs.structured import dump_yaml, spec_from_dict
from assessor_app.store import Store
from assessor_app.store.models import UnitVersion
from tests.specs.helpers import run_json, seed


def test_edits_are_recorded_with_the_version(capsys, store: Store, db_path) -> None:
    lines = seed("000").read_text(encoding="utf-8").split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("2.6 "))
    lines[i] = lines[i][4:]
    spec = parse_text("\n".join(lines), "gap.txt")
    assert spec.findings
    review = Review(spec, "gap.txt", "Alex Morgan")
    review.set_criterion_text("2.6", "Explain the importance of a consistent level of service "
                              "to customers")
    review.set_title("Principles of  customer relationships (2012)")
    with pytest.raises(SpecError, match="already exists"):
        review.set_criterion_number("2.5", "2.6")
    with pytest.raises(SpecError, match="control character"):
        review.set_outcome_text("1", "Understand\x00")
    assert [e.what for e in spec.edits] == ["criterion 2.6 text", "title"]
    import_all(store, [prepare(spec, "gap.txt")], accept_findings=True)
    with store.session() as s:
        version = s.exec(select(UnitVersion)).one()
        stored = json.loads(version.structured_json)
    assert [(e["who"], e["what"]) for e in stored["review_edits"]] == [
        ("Alex Morgan", "criterion 2.6 text"), ("Alex Morgan", "title")]
    assert stored["review_edits"][0]["before"] == "Explain the importance of a consistent level "\
        "of service"
    assert version.title == "Principles of customer relationships (2012)"
    tree = run_json(capsys, "specs", "show", "K/503/8194", "--json", "--db", str(db_path))
    assert tree["review_edits"][1]["after"] == "Principles of customer relationships (2012)"
    dumped = yaml.safe_load(dump_yaml(spec_from_dict(stored, "stored")))
    assert dumped["review_edits"][0]["what"] == "criterion 2.6 text"
    assert dumped["review_edits"][0]["when"].endswith("+00:00")


def test_renumbering_keeps_order_and_notes() -> None:
    spec = parse_file(seed("002"))
    review = Review(spec, "cg.txt", "A")
    out = review.outcome("1")
    out.criteria.pop(1)  # as if 1.2 had been lost: 1.1, 1.3, 1.4
    review.set_criterion_number("1.3", "1.2")
    assert [c.number for c in out.criteria] == ["1.1", "1.2", "1.4"]
    with pytest.raises(SpecError, match="not a criterion number of outcome 1"):
        review.set_criterion_number("1.4", "2.9")


def test_unedited_units_have_no_review_section() -> None:
    assert "review_edits" not in dump_yaml(parse_file(seed("000")))


def test_show_gives_aim_and_assessment_guidance(capsys, store: Store, db_path) -> None:
    from assessor_app.specs.importer import import_paths

    import_paths(store, [seed("004")])
    spec = parse_file(seed("004"))
    tree = run_json(capsys, "specs", "show", spec.reference, "--json", "--db", str(db_path))
    assert tree["aim"] == spec.aim and tree["aim"].startswith("To improve relationships")
    assert "line manager" in tree["assessment"]
    assert tree["guidance_on_assessment"] == spec.guidance_on_assessment


def _numbers(spec, outcome: str) -> list[tuple[str, str]]:  # noqa: ANN001
    return [(c.number, c.text) for o in spec.outcomes if o.number == outcome for c in o.criteria]


def test_split_a_criterion_holding_two_and_merge_back() -> None:
    """Flattened lines: 2.3 swallowed 2.4 (its number kept in the text). Split gives both back
    with the later criteria where they were; merging undoes it; both are recorded."""
    spec = parse_file(seed("000"))
    original = _numbers(spec, "2")
    review = Review(spec, "flat.txt", "Alex Morgan")
    out = review.outcome("2")
    c3, c4 = out.criteria[2], out.criteria[3]
    c3.text = f"{c3.text} 2.4 {c4.text}"
    out.criteria.remove(c4)
    for c in out.criteria[3:]:  # the parser numbered on: 2.5 became 2.4 …
        c.number = f"2.{int(c.number.split('.')[1]) - 1}"
    assert split_suggestion(c3.text) == f"2.4 {c4.text}"
    assert review.split_criterion("2.3", f"2.4 {c4.text}") == "2.4"
    assert _numbers(spec, "2") == original
    edit = spec.edits[-1]
    assert edit.what == "criterion 2.3 split into 2.3 and 2.4" and edit.who == "Alex Morgan"
    assert edit.after == f"2.3 {original[2][1]} | 2.4 {original[3][1]}"

    assert review.merge_criterion("2.4") == "2.3"
    assert [n for n, _ in _numbers(spec, "2")] == [n for n, _ in original[:-1]]
    assert _numbers(spec, "2")[2][1] == f"{original[2][1]} {original[3][1]}"
    assert _numbers(spec, "2")[3] == ("2.4", original[4][1])  # later criteria moved down
    assert spec.edits[-1].what == "criterion 2.4 merged into 2.3"
    with pytest.raises(SpecError, match="no criterion before it"):
        review.merge_criterion("2.1")
    with pytest.raises(SpecError, match="must be the end of 2.2"):
        review.split_criterion("2.2", "words that are not there")
    with pytest.raises(SpecError, match="must be the end of 2.2"):
        review.split_criterion("2.2", _numbers(spec, "2")[1][1])  # nothing left before it


def test_split_with_a_free_number_keeps_later_numbers_and_notes() -> None:
    spec = parse_file(seed("002"))
    review = Review(spec, "cg.txt", "A")
    out = review.outcome("1")
    before = [c.number for c in out.criteria]
    lost = out.criteria.pop(1)  # 1.2 lost, its text run onto 1.1 without a number
    out.criteria[0].text += " " + lost.text
    review.split_criterion("1.1", "1.2 " + lost.text)  # 1.2 is free: nothing renumbered
    assert [c.number for c in out.criteria] == before
    assert out.criteria[1].text == lost.text
    # A split where the next number is taken moves later criteria and their notes up.
    out.notes.append(NoteSpec("range", items=["face to face"], criterion="1.3"))
    words = out.criteria[0].text.split()
    assert review.split_criterion("1.1", " ".join(words[-3:])) == "1.2"
    assert [c.number for c in out.criteria] == [*before, f"1.{len(before) + 1}"]
    assert out.notes[-1].criterion == "1.4"
    assert out.criteria[0].text == " ".join(words[:-3])
