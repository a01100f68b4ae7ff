"""Which range items an evidence item covers (optional; issue 13).

A unit's range note lists what a criterion has to be shown across ("religion", "age" …). The
assessor may record, per evidence item, which of those items it covers; the record is keyed to the
range note and the item's place in its list, keeps the item's wording for the ERS, and is changed
like any other part of an item (a signed item is locked, an unlock voids its sign-off).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from assessor_app.evidence.edits import ToggleEdit
from assessor_app.evidence.errors import InvalidInput, NotFound
from assessor_app.evidence.locking import UNCHANGED, change_evidence
from assessor_app.evidence.refs import (
    CriterionRef,
    check_on_enrolled_version,
    get_item,
    resolve_criterion,
)
from assessor_app.store import Store
from assessor_app.store.models import (
    Criterion,
    EvidenceItem,
    EvidenceRangeItem,
    GuidanceNote,
    LearningOutcome,
    Unit,
    UnitVersion,
)

RANGE = "range"


@dataclass(frozen=True)
class RangeItem:
    """One bullet of a range note: where it is and what it says."""

    note_id: int
    index: int  # 0-based place in the note's items
    text: str
    heading: str  # the range's heading ("Segmentation"), may be ""
    criterion: str | None  # the criterion number the note is for; None: the whole outcome

    @property
    def key(self) -> tuple[int, int]:
        return (self.note_id, self.index)


def _items_of(note: GuidanceNote, criterion: str | None) -> list[RangeItem]:
    assert note.id is not None
    return [RangeItem(note.id, i, text, note.heading, criterion)
            for i, text in enumerate(json.loads(note.items_json))]


def range_items_for_criterion(session: Session, criterion_id: int) -> list[RangeItem]:
    """The range items that go with a criterion: its own range notes and its outcome's range
    notes attached to no single criterion, in the unit's order."""
    crit = session.get(Criterion, criterion_id)
    if crit is None:
        raise NotFound(f"There is no criterion with id {criterion_id}.")
    notes = session.exec(
        select(GuidanceNote).where(GuidanceNote.outcome_id == crit.outcome_id)
        .where(GuidanceNote.kind == RANGE)
        .order_by(col(GuidanceNote.position), col(GuidanceNote.id))).all()
    return [item for n in notes if n.criterion_id in (None, criterion_id)
            for item in _items_of(n, crit.number if n.criterion_id else None)]


def covered_keys(session: Session, evidence_id: int) -> set[tuple[int, int]]:
    """(note id, item index) of every range item recorded against the item."""
    rows = session.exec(select(EvidenceRangeItem)
                        .where(EvidenceRangeItem.evidence_id == evidence_id)).all()
    return {(r.note_id, r.item_index) for r in rows}


def covered_range_items(session: Session, evidence_ids: Iterable[int]
                        ) -> dict[int, list[dict[str, str]]]:
    """evidence id → the range items it covers, as the ERS lists them (unit, criterion or outcome,
    heading, item), in the unit's order."""
    ids = list(evidence_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(EvidenceRangeItem, GuidanceNote, Unit)
        .join(GuidanceNote, col(GuidanceNote.id) == EvidenceRangeItem.note_id)
        .join(UnitVersion, col(UnitVersion.id) == GuidanceNote.version_id)
        .join(Unit, col(Unit.id) == UnitVersion.unit_id)
        .where(col(EvidenceRangeItem.evidence_id).in_(ids))
        .order_by(col(Unit.reference), col(GuidanceNote.position), col(GuidanceNote.id),
                  col(EvidenceRangeItem.item_index))).all()
    out: dict[int, list[dict[str, str]]] = {}
    for link, note, unit in rows:
        crit = session.get(Criterion, note.criterion_id) if note.criterion_id else None
        where = f"criterion {crit.number}" if crit else _outcome_label(session, note)
        out.setdefault(link.evidence_id, []).append(
            {"unit": unit.reference, "where": where, "heading": note.heading,
             "item": link.item_text})
    return out


def _outcome_label(session: Session, note: GuidanceNote) -> str:
    outcome = session.get(LearningOutcome, note.outcome_id) if note.outcome_id else None
    return f"outcome {outcome.number}" if outcome else "the unit"


@dataclass
class RangeChange(ToggleEdit):
    """A range item recorded (`covered=True`) or no longer recorded against an evidence item."""

    evidence_id: int
    note_id: int
    index: int
    covered: bool
    noop: bool = False

    @property
    def description(self) -> str:
        return "Record range item" if self.covered else "Remove range item"

    @property
    def is_noop(self) -> bool:
        return self.noop

    @property
    def state(self) -> bool:
        return self.covered

    def set_state(self, store: Store, on: bool) -> None:
        _set_covered(store, self.evidence_id, self.note_id, self.index, on)


def _checked_item_text(session: Session, item: EvidenceItem, note_id: int, index: int) -> str:
    note = session.get(GuidanceNote, note_id)
    if note is None or note.kind != RANGE:
        raise NotFound(f"There is no range note {note_id}.")
    check_on_enrolled_version(session, item.learner_id, note.version_id, "The range")
    items = json.loads(note.items_json)
    if not 0 <= index < len(items):
        raise NotFound(f"The range has no item {index + 1}.")
    return str(items[index])


def _set_covered(store: Store, evidence_id: int, note_id: int, index: int, covered: bool) -> bool:
    def mutate(session: Session, item: EvidenceItem) -> object:
        link = session.get(EvidenceRangeItem, (evidence_id, note_id, index))
        if covered:
            if link is not None:
                return UNCHANGED
            text = _checked_item_text(session, item, note_id, index)
            session.add(EvidenceRangeItem(evidence_id=evidence_id, note_id=note_id,
                                          item_index=index, item_text=text))
        else:
            if link is None:
                return UNCHANGED
            session.delete(link)
        return None

    return change_evidence(store, evidence_id, "range items changed", mutate) is not UNCHANGED


def set_range_item(store: Store, evidence_id: int, note_id: int, index: int,
                   covered: bool) -> RangeChange:
    """Record (or stop recording) that the evidence item covers range item `index` of range
    note `note_id`; refused unless the note is in the unit version the learner is enrolled on."""
    with store.session() as session:
        get_item(session, evidence_id)
    changed = _set_covered(store, evidence_id, note_id, index, covered)
    return RangeChange(evidence_id, note_id, index, covered, noop=not changed)


def criterion_range(session: Session, evidence_id: int, criterion: str
                    ) -> tuple[str, list[RangeItem]]:
    """The range items of criterion "K/503/8194:1.2" in the unit version the item's learner is
    enrolled on, with the criterion's number; refused if it has none."""
    item = get_item(session, evidence_id)
    crit = resolve_criterion(session, item.learner_id, CriterionRef.parse(criterion))
    assert crit.id is not None
    items = range_items_for_criterion(session, crit.id)
    if not items:
        raise NotFound(f"Criterion {crit.number} has no range.")
    return crit.number, items


def resolve_range_items(session: Session, evidence_id: int, criterion: str,
                        wanted: Iterable[str]) -> list[RangeItem]:
    """The criterion's range items named by their wording (case aside) or their number in the
    criterion's range list (1, 2 …), all checked before anything is written."""
    number, items = criterion_range(session, evidence_id, criterion)
    out: list[RangeItem] = []
    for word in wanted:
        name = " ".join(word.split()).casefold()
        found = [r for r in items if r.text.casefold() == name]
        if not found and name.isdigit() and 1 <= int(name) <= len(items):
            found = [items[int(name) - 1]]
        if not found:
            choices = "; ".join(f"{k}. {r.text}" for k, r in enumerate(items, start=1))
            raise InvalidInput(f"{word.strip()[:40]!r} is not in the range of criterion "
                               f"{number} ({choices[:300]}).")
        out.extend(r for r in found if r not in out)
    return out


def criterion_range_state(store: Store, criterion_id: int, evidence_id: int | None
                          ) -> tuple[list[RangeItem], set[tuple[int, int]]]:
    """A criterion's range items and which of them the evidence item covers (none without an
    item), in one read: what the visit screen's range checkboxes show."""
    with store.read_session() as session:
        items = range_items_for_criterion(session, criterion_id)
        covered = covered_keys(session, evidence_id) if evidence_id is not None else set()
    return items, covered
