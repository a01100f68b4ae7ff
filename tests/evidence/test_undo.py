"""Every edit kind can be reverted and re-applied, the way a QUndoStack drives it: the call
performs the edit, push() calls apply() again (a no-op), then undo = revert, redo = apply."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from assessor_app.evidence import (
    CompoundEdit,
    add_question,
    attach_file,
    create_evidence,
    current_judgement,
    delete_evidence,
    get_evidence,
    judgement_history,
    learner_coverage,
    list_evidence,
    map_criterion,
    move_question,
    remove_attachment,
    remove_question,
    set_learner_field,
    set_question_field,
    set_visit_field,
    start_visit,
    tick_requirement,
    unmap_criterion,
    update_evidence_text,
    visit_summary,
)
from assessor_app.evidence.edits import Edit
from assessor_app.evidence.judgements import record_judgement
from assessor_app.evidence.refs import get_learner


def push_undo_redo(store, edit: Edit, read: Callable[[], Any], done: Any, undone: Any) -> None:
    """`read()` must give `done` after the edit and after each redo, `undone` after each undo."""
    edit.apply(store)  # QUndoStack.push calls redo() at once: must not change anything
    assert read() == done
    edit.revert(store)
    assert read() == undone
    edit.apply(store)
    assert read() == done
    edit.revert(store)
    assert read() == undone


def _detail(store, evidence_id):
    return get_evidence(store, evidence_id)


def test_text_edits_merge_into_one_step(store, world) -> None:
    item = create_evidence(store, world.learner.id, "observation", text="Start")
    e1 = update_evidence_text(store, item.evidence_id, "Start typ")
    e2 = update_evidence_text(store, item.evidence_id, "Start typing")
    merged = e1.merge(e2)
    assert merged is not None and (merged.old, merged.new) == ("Start", "Start typing")
    text_of = lambda: _detail(store, item.evidence_id).item.text  # noqa: E731
    push_undo_redo(store, merged, text_of, "Start typing", "Start")


def test_create_and_delete_item(store, world) -> None:
    created = create_evidence(store, world.learner.id, "product", text="Leaflet",
                              criteria=["K/503/8194:1.1"])
    ids = lambda: [r.id for r in list_evidence(store, world.learner.id)]  # noqa: E731
    push_undo_redo(store, created,
                   ids, [created.evidence_id], [])
    created.apply(store)
    deletion = delete_evidence(store, created.evidence_id)
    def state() -> str:
        return learner_coverage(store, world.learner.id).unit("K/503/8194").criteria[0].state

    push_undo_redo(store, deletion, state, "unevidenced", "evidenced")


def test_mapping_add_and_remove(store, world) -> None:
    item = create_evidence(store, world.learner.id, "observation", text="x")
    labels = lambda: [c.label for c in _detail(store, item.evidence_id).criteria]  # noqa: E731
    added = map_criterion(store, item.evidence_id, "H/601/1232:2.1")
    push_undo_redo(store, added, labels, ["H/601/1232:2.1"], [])
    added.apply(store)
    removed = unmap_criterion(store, item.evidence_id, "H/601/1232:2.1")
    push_undo_redo(store, removed, labels, [], ["H/601/1232:2.1"])


def test_question_rows(store, world) -> None:
    item = create_evidence(store, world.learner.id, "questioning")
    rows = lambda: [(q.position, q.question, q.answer, q.satisfied)  # noqa: E731
                    for q in _detail(store, item.evidence_id).questions]
    a = add_question(store, item.evidence_id, "Q-a", "A-a", True)
    c = add_question(store, item.evidence_id, "Q-c")
    b = add_question(store, item.evidence_id, "Q-b", position=1)
    assert [r[1] for r in rows()] == ["Q-a", "Q-b", "Q-c"]
    push_undo_redo(store, b, rows,
                   [(0, "Q-a", "A-a", True), (1, "Q-b", "", None), (2, "Q-c", "", None)],
                   [(0, "Q-a", "A-a", True), (1, "Q-c", "", None)])
    b.apply(store)

    answer = set_question_field(store, c.row_id, "answer", "A-c")
    push_undo_redo(store, answer, lambda: rows()[2][2], "A-c", "")
    verdict = set_question_field(store, a.row_id, "satisfied", False)
    push_undo_redo(store, verdict, lambda: rows()[0][3], False, True)

    move = move_question(store, c.row_id, 0)
    assert (move.old_position, move.new_position) == (2, 0)
    push_undo_redo(store, move,
                   lambda: [r[:2] for r in rows()],
                   [(0, "Q-c"), (1, "Q-a"), (2, "Q-b")], [(0, "Q-a"), (1, "Q-b"), (2, "Q-c")])

    removal = remove_question(store, b.row_id)
    push_undo_redo(store, removal,
                   lambda: [r[:2] for r in rows()],
                   [(0, "Q-a"), (1, "Q-c")], [(0, "Q-a"), (1, "Q-b"), (2, "Q-c")])


def test_judgement_undo_appends_history(store, world) -> None:
    lid, cid = world.learner.id, world.k.criteria["1.1"]
    create_evidence(store, lid, "observation", text="x", criteria=[cid])
    edit = record_judgement(store, lid, cid, "met", actor="A. Assessor")
    state = lambda: current_judgement(store, lid, cid).state  # noqa: E731
    push_undo_redo(store, edit, state, "met", "not_yet")
    # met, not_yet (undo), met (redo), not_yet (undo): nothing erased
    assert [j.state for j in judgement_history(store, lid, cid)] == [
        "not_yet", "met", "not_yet", "met"]


def test_attachment_add_and_remove(store, world, tmp_path: Path) -> None:
    photo = tmp_path / "till.jpg"
    photo.write_bytes(b"\xff\xd8 a photo of the till")
    item = create_evidence(store, world.learner.id, "product")
    names = lambda: [a.filename for a in _detail(store, item.evidence_id).attachments]  # noqa: E731
    added = attach_file(store, item.evidence_id, photo)
    photo.unlink()  # undo/redo must not need the original file again
    push_undo_redo(store, added, names, ["till.jpg"], [])
    added.apply(store)
    removed = remove_attachment(store, _detail(store, item.evidence_id).attachments[0].id)
    push_undo_redo(store, removed, names, [], ["till.jpg"])


def test_requirement_tick(store, world) -> None:
    item = create_evidence(store, world.learner.id, "observation")
    tick = tick_requirement(store, item.evidence_id, world.k.requirements["2"])
    def ticked() -> bool:
        return learner_coverage(store, world.learner.id).unit("K/503/8194").requirements[1].ticked

    push_undo_redo(store, tick, ticked, True, False)


def test_visit_and_learner_fields(store, world) -> None:
    visit = start_visit(store, world.learner.id)
    notes = set_visit_field(store, visit.id, "notes", "Busy morning")
    got = lambda: visit_summary(store, visit.id).visit.notes  # noqa: E731
    push_undo_redo(store, notes, got, "Busy morning", "")
    employer = set_learner_field(store, world.learner.id, "employer", "Big Shop")

    def emp() -> str:
        with store.session() as s:
            return get_learner(s, world.learner.id).employer

    push_undo_redo(store, employer, emp, "Big Shop", "Corner Shop")


def test_compound_edit_reverts_in_reverse_order(store, world) -> None:
    item = create_evidence(store, world.learner.id, "observation", text="v1")
    compound = CompoundEdit("Edit and map", [
        update_evidence_text(store, item.evidence_id, "v2"),
        map_criterion(store, item.evidence_id, "K/503/8194:1.4"),
    ])
    compound.revert(store)
    detail = _detail(store, item.evidence_id)
    assert detail.item.text == "v1" and detail.criteria == []
    compound.apply(store)
    detail = _detail(store, item.evidence_id)
    assert detail.item.text == "v2" and [c.label for c in detail.criteria] == ["K/503/8194:1.4"]


def test_field_edits_merge_only_with_the_same_field_of_the_same_record(store, world) -> None:
    a = create_evidence(store, world.learner.id, "observation", text="A")
    b = create_evidence(store, world.learner.id, "observation", text="B")
    a1 = update_evidence_text(store, a.evidence_id, "A1")
    assert a1.merge(update_evidence_text(store, b.evidence_id, "B1")) is None  # other item
    assert a1.merge(set_learner_field(store, world.learner.id, "employer", "Shop")) is None
    visit = start_visit(store, world.learner.id)
    v1 = set_visit_field(store, visit.id, "notes", "Arrived")
    v2 = set_visit_field(store, visit.id, "notes", "Arrived at nine")
    merged = v1.merge(v2)
    assert merged is not None and (merged.old, merged.new) == ("", "Arrived at nine")
    assert v1.merge(set_visit_field(store, visit.id, "place", "Till 2")) is None

    q = create_evidence(store, world.learner.id, "questioning", text="Q")
    row = add_question(store, q.evidence_id, "Why?", "")
    t1 = set_question_field(store, row.row_id, "satisfied", True)
    t2 = set_question_field(store, row.row_id, "satisfied", False)
    assert t1.merge(t2) is None  # each tick is its own undo step
    w1 = set_question_field(store, row.row_id, "answer", "Beca")
    merged_answer = w1.merge(set_question_field(store, row.row_id, "answer", "Because"))
    assert merged_answer is not None and merged_answer.new == "Because"
