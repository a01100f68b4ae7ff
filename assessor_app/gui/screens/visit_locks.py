"""Locked records on the visit screen: what a valid sign-off covers, and the evidence of a
completed visit, open read-only under a lock badge; "Unlock…" is the only way to change them.

The unlock goes on the undo stack as a step of its own, so Undo is honest: it takes back the
changes made after the unlock, and at the unlock itself says that the voided sign-off cannot be
restored (the unit must be signed off again).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QDialog, QWidget

from assessor_app.evidence.errors import EvidenceError
from assessor_app.evidence.items import EvidenceDetail
from assessor_app.gui.dialogs.unlock_dialog import UnlockDialog
from assessor_app.gui.widgets.lock_badge import LockBadge
from assessor_app.signoff.locks import EvidenceLock, read_evidence_lock, unlock_evidence_record
from assessor_app.store import Store

CANNOT_RESTORE = ("Undo cannot restore the voided sign-off ({names}): its signatures stay void. "
                  "The changes made after the unlock can be undone; sign the unit off again "
                  "when the record is right.")


class UnlockCommand(QUndoCommand):
    """The unlock, as a step on the undo stack that changes nothing when undone but says so."""

    def __init__(self, ref: str, voided: tuple[int, ...], tell: Callable[[str], None]) -> None:
        names = ", ".join(f"sign-off {i}" for i in voided)
        super().__init__(f"Unlock {ref}" + (f" (voided {names})" if voided else ""))
        self.names = names
        self.voided = voided
        self._tell = tell

    def redo(self) -> None:  # the core already unlocked; nothing to do again
        pass

    def undo(self) -> None:
        if self.voided:
            self._tell(CANNOT_RESTORE.format(names=self.names))
        else:
            self._tell("The visit stays unlocked for this item; the changes after the unlock "
                       "were undone.")


class VisitLocks:
    """Mixin for `VisitScreen`: relies on its store, undo stack, editor, picker, chips,
    attachments, requirements panel, banner and `detail`."""

    store: Store
    undo_stack: QUndoStack
    detail: EvidenceDetail | None
    lock_badge: LockBadge

    def _build_lock_badge(self) -> LockBadge:
        self.lock_badge = LockBadge()
        self.lock_badge.unlock_requested.connect(self.unlock_current)
        self._unlocked: set[int] = set()  # completed-visit items unlocked in this session
        self.lock: EvidenceLock = EvidenceLock()
        return self.lock_badge

    def _apply_lock(self) -> None:
        """Read the current item's lock and make the screen match it."""
        detail = self.detail
        lock = EvidenceLock()
        if detail is not None and detail.item.id is not None:
            preloaded = getattr(self, "_preloaded_lock", None)
            self._preloaded_lock = None
            if preloaded is not None and preloaded[0] == detail.item.id:
                lock = preloaded[1]  # read with the item, off the UI thread
            else:
                try:
                    lock = read_evidence_lock(self.store, detail.item.id)
                except EvidenceError:
                    lock = EvidenceLock()
            if not lock.signoffs and detail.item.id in self._unlocked:
                lock = EvidenceLock()
        self.lock = lock
        self.lock_badge.show_lock(lock if lock.locked else None)
        locked = lock.locked
        self.editor.set_read_only(locked)  # type: ignore[attr-defined]
        for w in (self.chips, self.attachments, self.attach_button):  # type: ignore[attr-defined]
            w.setEnabled(detail is not None and not locked)
        self.chips_label.setText(  # type: ignore[attr-defined]
            "<b>Mapped criteria</b>" + (" (read-only)" if locked else
                                        " (click × or press Delete to remove)"))
        self.picker.set_enabled_for_mapping(detail is not None and not locked)  # type: ignore[attr-defined]

    @property
    def record_locked(self) -> bool:
        return self.lock.locked

    def unlock_current(self) -> bool:
        """Ask (naming what it voids, with a reason) and unlock the current item."""
        detail = self.detail
        if detail is None or detail.item.id is None or not self.lock.locked:
            return False
        self.editor.flush()  # type: ignore[attr-defined]
        dlg = UnlockDialog(detail.ref, self.lock.signoffs, self.lock.visit_completed_on,
                           self if isinstance(self, QWidget) else None)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return False
        try:
            voided = unlock_evidence_record(self.store, detail.item.id, dlg.reason_text(),
                                            self.assessor_name())
        except EvidenceError as exc:
            self.banner.show_error(exc)  # type: ignore[attr-defined]
            return False
        self._unlocked.add(detail.item.id)
        self.undo_stack.push(UnlockCommand(detail.ref, voided, self._tell))
        if voided:
            self._tell(f"{detail.ref} unlocked: " + ", ".join(f"sign-off {i}" for i in voided)
                       + " is now void. Your changes make a new version; the signed one stays "
                         "readable under Sign-offs and ERS.", "warning")
        self._reload_detail()  # type: ignore[attr-defined]
        # The core has just voided what covered it: editable at once, with no read here (the
        # reload above reads the stored lock in the background and applies it again).
        self._preloaded_lock = (detail.item.id, EvidenceLock())
        self._apply_lock()
        self.coverage_changed.emit(self.learner_id)  # type: ignore[attr-defined]
        return True

    def assessor_name(self) -> str:
        """The window's copy of the assessor's name (no database read here)."""
        source: Callable[[], str] | None = getattr(self, "assessor_name_source", None)
        return (source() if source is not None else "") or "assessor"

    def _tell(self, text: str, kind: str = "info") -> None:
        self.banner.show_message(text, kind)  # type: ignore[attr-defined]
