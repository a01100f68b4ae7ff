"""Creating, editing and reading evidence items; bad input is refused with nothing lost."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from assessor_app.evidence import (
    QA,
    InvalidInput,
    NotEnrolled,
    NotFound,
    TooLong,
    Witness,
    create_evidence,
    get_evidence,
    list_evidence,
    map_criterion,
    set_evidence_field,
    start_visit,
    unmap_criterion,
    update_evidence_text,
)
from assessor_app.evidence.limits import MAX_TEXT_CHARS


def _count(store, table: str) -> int:
    with store.session() as s:
        return s.execute(text(f"select count(*) from {table}")).scalar_one()


def test_holistic_item_with_questions_and_witness(store, world) -> None:
    lid = world.learner.id
    visit = start_visit(store, lid, on="2024-11-12", place="Corner Shop")
    qa = create_evidence(
        store, lid, "questioning", title="Customer needs", visit_id=visit.id,
        criteria=["K/503/8194:1.1", "H/601/1232:1.2", world.k.criteria["2.3"]],
        questions=[QA("Why segment customers?", "To target offers", True),
                   QA("What motivates buying?", "Price and trust", None)],
    )
    detail = get_evidence(store, qa.evidence_id)
    assert detail.item.date == date(2024, 11, 12)  # the visit's date
    assert detail.ref == "QA-1"
    assert [c.label for c in detail.criteria] == [
        "H/601/1232:1.2", "K/503/8194:1.1", "K/503/8194:2.3"]
    assert [(q.position, q.question, q.satisfied) for q in detail.questions] == [
        (0, "Why segment customers?", True), (1, "What motivates buying?", None)]

    wit = create_evidence(store, lid, "witness", text="Priya handled it well", on="2024-11-13",
                          witness=Witness("Sam Lee", "Store manager", "Line manager",
                                          "sam@example.com"))
    item = get_evidence(store, wit.evidence_id).item
    assert (item.witness_name, item.witness_role, item.witness_relationship,
            item.witness_contact) == ("Sam Lee", "Store manager", "Line manager",
                                      "sam@example.com")
    rows = list_evidence(store, lid)
    assert [(r.ref, r.kind, r.first_line) for r in rows] == [
        ("QA-1", "questioning", "2 questions: Why segment customers?"),
        ("WT-1", "witness", "Priya handled it well")]
    assert rows[0].criteria == ("H/601/1232:1.2", "K/503/8194:1.1", "K/503/8194:2.3")
    assert list_evidence(store, lid, visit_id=visit.id)[0].id == qa.evidence_id


def test_criterion_of_unrelated_unit_refused_nothing_written(store, world) -> None:
    lid = world.learner.id
    with pytest.raises(NotEnrolled, match="not enrolled on unit L/601/1239"):
        create_evidence(store, lid, "observation", text="Long narrative",
                        criteria=["K/503/8194:1.1", "L/601/1239:1.1"])
    assert _count(store, "evidence_item") == 0
    assert _count(store, "evidence_criterion") == 0

    item = create_evidence(store, lid, "observation", text="Keep me",
                           criteria=["K/503/8194:1.1"])
    with pytest.raises(NotEnrolled, match="L/601/1239"):
        map_criterion(store, item.evidence_id, world.other.criteria["1.1"])
    detail = get_evidence(store, item.evidence_id)
    assert detail.item.text == "Keep me"
    assert [c.label for c in detail.criteria] == ["K/503/8194:1.1"]


def test_unknown_references_are_named(store, world) -> None:
    lid = world.learner.id
    with pytest.raises(NotFound, match="K/503/8194 has no criterion 9.9"):
        create_evidence(store, lid, "observation", criteria=["K/503/8194:9.9"])
    with pytest.raises(NotFound, match="Z/999/9999 is not in the library"):
        create_evidence(store, lid, "observation", criteria=["Z/999/9999:1.1"])
    with pytest.raises(InvalidInput, match="not a criterion reference"):
        create_evidence(store, lid, "observation", criteria=["K/503/8194"])
    with pytest.raises(InvalidInput, match="not a kind of evidence.*observation"):
        create_evidence(store, lid, "essay")
    with pytest.raises(InvalidInput, match="time like 09:30"):
        create_evidence(store, lid, "observation", start_time="9.30am")
    assert _count(store, "evidence_item") == 0


def test_old_version_criterion_refused(store, world, make_unit) -> None:
    """A learner enrolled on version 1 cannot use a criterion id of the unit's version 2."""
    v2 = make_unit("K/503/8194", {"1": ["1.1"]}, version=2)
    item = create_evidence(store, world.learner.id, "observation", text="x")
    with pytest.raises(NotEnrolled, match="another version of unit K/503/8194"):
        map_criterion(store, item.evidence_id, v2.criteria["1.1"])


def test_five_megabyte_paste_refused_existing_text_kept(store, world) -> None:
    item = create_evidence(store, world.learner.id, "observation", text="Original narrative")
    paste = "x" * (5 * 1024 * 1024)
    with pytest.raises(TooLong, match=r"5,242,880 characters.*limit is 200,000.*kept"):
        update_evidence_text(store, item.evidence_id, paste)
    assert get_evidence(store, item.evidence_id).item.text == "Original narrative"
    with pytest.raises(TooLong):
        create_evidence(store, world.learner.id, "observation", text=paste)
    assert _count(store, "evidence_item") == 1
    # Exactly at the limit is fine.
    update_evidence_text(store, item.evidence_id, "y" * MAX_TEXT_CHARS)
    assert len(get_evidence(store, item.evidence_id).item.text) == MAX_TEXT_CHARS


def test_field_edits_and_noops(store, world) -> None:
    item = create_evidence(store, world.learner.id, "observation", text="a", on="2024-01-02")
    edit = set_evidence_field(store, item.evidence_id, "start_time", "09:15")
    assert (edit.old, edit.new, edit.is_noop) == (None, "09:15", False)
    same = set_evidence_field(store, item.evidence_id, "start_time", "09:15")
    assert same.is_noop
    set_evidence_field(store, item.evidence_id, "date", "2024-02-03")
    assert get_evidence(store, item.evidence_id).item.date == date(2024, 2, 3)
    with pytest.raises(InvalidInput, match="cannot be edited"):
        set_evidence_field(store, item.evidence_id, "learner_id", 99)
    with pytest.raises(NotFound):
        update_evidence_text(store, 12345, "x")
    assert unmap_criterion(store, item.evidence_id, "K/503/8194:1.1").is_noop
