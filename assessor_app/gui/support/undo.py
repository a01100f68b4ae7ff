"""Undo/redo for the visit workflow: QUndoCommands over the core's undoable `Edit`s.

The core performs each change at once (autosave) and returns an `Edit`; the GUI pushes it here.
`redo()` calls `edit.apply(store)` (idempotent, so the redo Qt makes on push writes nothing new)
and `undo()` calls `edit.revert(store)`. Consecutive keystroke saves of one field merge through
`Edit.merge` (QUndoCommand.id/mergeWith), so Ctrl+Z takes back a burst of typing, not a letter.
After either, `refresh(edit)` lets the screen show the change (and jump to the item it touched).
A refused undo (the core raises) is reported in plain English, never as a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoCommand, QUndoStack

from assessor_app.evidence.edits import Edit

if TYPE_CHECKING:
    from assessor_app.store import Store

log = logging.getLogger(__name__)

MERGEABLE_ID = 0x5EED

Refresh = Callable[[Edit], None]
OnError = Callable[[BaseException], None]


class EditCommand(QUndoCommand):
    """One core `Edit` on the undo stack."""

    def __init__(self, store: Store, edit: Edit, refresh: Refresh | None = None,
                 on_error: OnError | None = None) -> None:
        super().__init__(edit.description)
        self.store = store
        self.edit = edit
        self._refresh = refresh
        self._on_error = on_error
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:  # the core has already made the change; Qt calls redo() on push
            self._pushed = True
            return
        self._run(self.edit.apply)

    def undo(self) -> None:
        self._run(self.edit.revert)

    def _run(self, fn: Callable[[Store], Any]) -> None:
        # Exceptions must not escape into Qt's C++ code: report them in plain English instead.
        try:
            fn(self.store)
        except Exception as exc:  # noqa: BLE001
            log.exception("undo/redo of %r failed", self.text())
            if self._on_error:
                self._on_error(exc)
        if self._refresh:
            self._refresh(self.edit)

    def id(self) -> int:
        return MERGEABLE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditCommand):
            return False
        merged = self.edit.merge(other.edit)
        if merged is None:
            return False
        self.edit = merged
        self.setText(merged.description)
        return True


def push_edit(stack: QUndoStack, store: Store, edit: Edit | None,
              refresh: Refresh | None = None, on_error: OnError | None = None) -> None:
    """Put a change the core has already made on the undo stack (no-ops are skipped)."""
    if edit is None or edit.is_noop:
        return
    stack.push(EditCommand(store, edit, refresh, on_error))


UNDO_KEYS = [QKeySequence("Ctrl+Z")]
REDO_KEYS = [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]


def _is_undo_key(event: QKeyEvent) -> bool:
    combo = QKeySequence(event.keyCombination())
    return any(combo.matches(k) == QKeySequence.SequenceMatch.ExactMatch
               for k in UNDO_KEYS + REDO_KEYS) or event.matches(QKeySequence.StandardKey.Undo) \
        or event.matches(QKeySequence.StandardKey.Redo)


class RouteUndoKeys(QObject):
    """Event filter for text editors: their own undo is off, and Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y
    must reach the window's undo actions instead of being swallowed by the editor."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and \
                isinstance(event, QKeyEvent) and _is_undo_key(event):
            event.ignore()
            return True
        return False


def route_undo_keys(*widgets: QObject) -> RouteUndoKeys:
    """Send undo/redo keys from these editors to the shared QUndoStack's actions."""
    router = RouteUndoKeys(widgets[0] if widgets else None)
    for w in widgets:
        if hasattr(w, "setUndoRedoEnabled"):
            w.setUndoRedoEnabled(False)
        w.installEventFilter(router)
    return router



