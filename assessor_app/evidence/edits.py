"""Undoable edits, for a GUI undo stack (QUndoStack) or anything else.

Every editing function in this package performs its change at once (autosave, one short
transaction) and returns an `Edit` describing it. `revert(store)` undoes it and `apply(store)`
redoes it; both are idempotent, so a QUndoCommand can call `apply` from `redo()` straight after
the push without writing twice. `merge` lets consecutive keystroke saves of one field collapse into
one undo step (QUndoCommand.mergeWith).

Each apply/revert is its own transaction and goes through the same checks as the original call
(voiding of covering sign-offs, enrolment, limits), so undo cannot bypass a rule; if it is refused
it raises an `EvidenceError` and changes nothing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assessor_app.store import Store


class Edit(ABC):
    """One change that can be reverted and re-applied."""

    @property
    @abstractmethod
    def description(self) -> str:
        """Short label for an Undo menu item, e.g. "Edit text". Never contains personal data."""

    @abstractmethod
    def apply(self, store: Store) -> None:
        """Make the change (again). Does nothing if it is already in effect."""

    @abstractmethod
    def revert(self, store: Store) -> None:
        """Undo the change. Does nothing if it is already undone."""

    @property
    def is_noop(self) -> bool:
        """True when the call that produced this edit found nothing to change; skip pushing it."""
        return False

    def merge(self, later: Edit) -> Edit | None:
        """One edit equivalent to this one followed by `later`, or None if they do not merge."""
        return None


class FieldEdit(Edit):
    """One field of one record set from `old` to `new`; consecutive saves of the same field merge
    into one undo step. Subclasses are dataclasses (record id, `field`, `old`, `new`) that say
    which record it is and how a value is saved."""

    field: str
    old: Any
    new: Any
    merges = True  # False for fields where each change is its own step (a tick box)

    @property
    @abstractmethod
    def record_id(self) -> int:
        """The edited record (evidence item, visit, learner, question row)."""

    @abstractmethod
    def save(self, store: Store, value: Any) -> None:
        """Write `value` to the field in its own transaction, through the area's checks."""

    @property
    def is_noop(self) -> bool:
        return self.old == self.new

    def apply(self, store: Store) -> None:
        self.save(store, self.new)

    def revert(self, store: Store) -> None:
        self.save(store, self.old)

    def merge(self, later: Edit) -> Edit | None:
        if (type(later) is type(self) and self.merges and isinstance(later, FieldEdit)
                and later.record_id == self.record_id and later.field == self.field):
            return replace(self, new=later.new)  # type: ignore[type-var]
        return None


class ToggleEdit(Edit):
    """Something put in or taken out (a row, a mapping, a tick, a deletion flag): `apply` sets
    the state the edit produced and `revert` the opposite. Subclasses name that state and say how
    to set it; setting a state already in effect changes nothing."""

    @property
    @abstractmethod
    def state(self) -> bool:
        """The state this edit produced (e.g. True for "added", False for "removed")."""

    @abstractmethod
    def set_state(self, store: Store, on: bool) -> None:
        """Put the thing in (`on`) or take it out, in its own transaction."""

    def apply(self, store: Store) -> None:
        self.set_state(store, self.state)

    def revert(self, store: Store) -> None:
        self.set_state(store, not self.state)


@dataclass
class CompoundEdit(Edit):
    """Several edits as one undo step (e.g. an item created together with its criteria)."""

    label: str
    edits: Sequence[Edit] = field(default_factory=list)

    @property
    def description(self) -> str:
        return self.label

    def apply(self, store: Store) -> None:
        for edit in self.edits:
            edit.apply(store)

    def revert(self, store: Store) -> None:
        for edit in reversed(self.edits):
            edit.revert(store)

    @property
    def is_noop(self) -> bool:
        return all(e.is_noop for e in self.edits)
