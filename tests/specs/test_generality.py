"""Unit texts written for these tests (invented wording, real layouts) parse as a person reads them."""

from __future__ import annotations

from assessor_app.specs.parser import parse_file
from tests.specs.helpers import FIXTURES


def _crits(spec) -> dict[str, str]:
    return {c.number: c.text for c in spec.criteria}


def test_ocr_teaching_content_with_page_break() -> None:
    spec = parse_file(FIXTURES / "ocr_teaching_content.txt")
    assert (spec.title, spec.reference, spec.level, spec.credit_value, spec.glh) == (
        "Manage information and records in a small office environment", "T/600/1234", 3, 5, 30)
    assert [(p.awarding_body, p.unit_number, p.sector_unit_number) for p in spec.publications] == [
        ("OCR", "61", "BA 12")]
    assert [len(o.criteria) for o in spec.outcomes] == [2, 4]
    crits = _crits(spec)
    assert crits["2.3"] == "Follow procedures for archiving and disposing of records safely"
    assert crits["2.4"] == "Protect confidential records from unauthorised access"
    items = spec.outcomes[1].notes[0].items
    assert items[1] == ("apply the retention rules set out in section 3.2.1 of the office manual "
                        "that apply to their own work-place")
    assert [r.key for r in spec.requirements] == ["1", "2", "2a", "2b", "3", "3a", "3b"]
    assert spec.requirements[-1].text == "archived records."


def test_city_and_guilds_range_layout() -> None:
    spec = parse_file(FIXTURES / "cg_range.txt")
    assert (spec.title, spec.reference, spec.level, spec.credit_value, spec.glh) == (
        "Support customers using digital services", "R/615/4471", 3, 4, 25)
    assert [(p.awarding_body, p.unit_number) for p in spec.publications] == [("City & Guilds", "305")]
    assert [len(o.criteria) for o in spec.outcomes] == [3, 2]
    assert _crits(spec)["1.2"] == ("explain the benefits of digital services to customers and "
                                   "the organisation")
    notes = spec.outcomes[0].notes
    assert [(n.kind, n.heading, n.criterion) for n in notes] == [
        ("range", "Digital services", None), ("range", "Support", "1.3")]
    assert notes[0].items == ["websites", "mobile apps", "self-service kiosks"]
    assert spec.outcomes[1].notes[0].items == ["confidence", "access to equipment", "disability"]
    assert spec.assessment == "This unit must be assessed in line with the sector Assessment Strategy."
    assert "4.2" not in " ".join(_crits(spec).values())


def test_city_and_guilds_outcome_blocks_with_single_level_numbers() -> None:
    spec = parse_file(FIXTURES / "cg_outcome_blocks.txt")
    assert (spec.reference, spec.level, spec.credit_value, spec.glh) == ("D/601/5555", 2, 2, 15)
    assert [(p.awarding_body, p.unit_number) for p in spec.publications] == [("City & Guilds", "204")]
    assert [o.text for o in spec.outcomes] == ["Know how to plan a customer visit",
                                               "Be able to prepare the venue"]
    assert _crits(spec) == {
        "1.1": "describe the information needed before a visit",
        "1.2": "explain how to agree a timetable with the customer",
        "2.1": "book a suitable room",
        "2.2": "arrange refreshments and equipment",
        "2.3": "check the venue on the day",
    }


def test_ocr_numbers_after_text_and_missing_header_fields() -> None:
    spec = parse_file(FIXTURES / "ocr_trailing_numbers.txt")
    assert (spec.title, spec.reference, spec.level, spec.credit_value, spec.glh) == (
        "Handle customer complaints", None, 2, 3, None)
    assert _crits(spec) == {
        "1.1": "Describe the stages of a complaints procedure",
        "1.2": "Explain when to refer a complaint to a manager",
        "2.1": "Record the details of a complaint accurately",
        "2.2": "Agree a solution with the customer",
        "2.3": "Confirm that the customer is satisfied",
    }
    note = spec.outcomes[0].notes[0]
    assert (note.kind, note.heading, note.items) == (
        "additional_guidance", "Stages may include", ["Listening", "Apologising", "Agreeing action"])
