"""Close a visit: feedback to the learner, action plan, and the criteria to target next time
(they become the next visit's planned criteria). Feedback and action plan autosave as they are
typed, so cancelling or a crash loses nothing; "Close visit" then completes it through the core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from assessor_app.evidence.coverage import LearnerCoverage, learner_coverage
from assessor_app.evidence.edits import Edit
from assessor_app.evidence.errors import EvidenceError
from assessor_app.evidence.visits import close_visit, set_visit_field, visit_for_closing
from assessor_app.gui.dialogs.dialog_parts import dialog_buttons
from assessor_app.gui.support.autosave import AutosaveField
from assessor_app.gui.support.fit import fit_to_screen
from assessor_app.gui.support.messages import Banner, show_error
from assessor_app.gui.support.undo import route_undo_keys
from assessor_app.gui.support.workers import Loader
from assessor_app.gui.widgets.criteria_picker import CriteriaPicker
from assessor_app.store import Store

if TYPE_CHECKING:
    from assessor_app.store.models import Visit


class CloseVisitDialog(QDialog):
    def __init__(self, store: Store, visit: Visit, targets: Iterable[int],
                 push_edit: Callable[[Edit], None], parent: QWidget | None = None,
                 autosave_ms: int = 400) -> None:
        """`visit` and `targets` (the criteria already chosen for next time) come from
        `visit_for_closing`, read off the UI thread (`ask_to_close_visit`)."""
        super().__init__(parent)
        self.setWindowTitle("Close visit")
        self.store = store
        assert visit.id is not None
        self.visit_id = visit.id
        self._push_edit = push_edit
        self._loader = Loader(self)

        self.feedback = QPlainTextEdit(visit.feedback)
        self.feedback.setPlaceholderText("What went well, what to improve — for the learner.")
        self.feedback.setTabChangesFocus(True)
        self.action_plan = QPlainTextEdit(visit.action_plan)
        self.action_plan.setPlaceholderText("What the learner will do before the next visit.")
        self.action_plan.setTabChangesFocus(True)
        route_undo_keys(self.feedback, self.action_plan)
        self.banner = Banner()
        self._fields = [
            AutosaveField(self.feedback, self._saver("feedback"), delay_ms=autosave_ms),
            AutosaveField(self.action_plan, self._saver("action_plan"), delay_ms=autosave_ms),
        ]
        self.targets = CriteriaPicker(title="")  # headed "Criteria for next time" below
        self.targets.toggle_requested.connect(self._toggle_target)
        # Reopened: the criteria already chosen for next time show ticked.
        self._target_ids: set[int] = set(targets)
        # The picker's tree grows with the learner's units: read it in the background.
        self._loader.run(learner_coverage, store, visit.learner_id,
                         on_done=self._coverage_loaded, on_error=self.banner.show_error)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        fb = QLabel("&Feedback to the learner")
        fb.setBuddy(self.feedback)
        ap = QLabel("&Action plan")
        ap.setBuddy(self.action_plan)
        ll.addWidget(fb)
        ll.addWidget(self.feedback, 1)
        ll.addWidget(ap)
        ll.addWidget(self.action_plan, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(QLabel("<b>Criteria for next time</b> — they become the next visit's plan"))
        rl.addWidget(self.targets, 1)
        split.addWidget(right)
        split.setSizes([420, 420])

        buttons = dialog_buttons(self, "Close visit", "Keep visit open")
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.banner)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(900, 520))

    @property
    def busy(self) -> bool:
        return self._loader.busy

    def _coverage_loaded(self, coverage: LearnerCoverage) -> None:
        self.targets.set_units(coverage.units)
        self.targets.set_checked(self._target_ids)

    def _saver(self, field: str) -> Callable[[str, str], bool]:
        def save(_old: str, new: str) -> bool:
            try:
                edit = set_visit_field(self.store, self.visit_id, field, new)
            except EvidenceError as exc:
                self.banner.show_error(exc)
                return False
            self._push_edit(edit)
            return True

        return save

    def _toggle_target(self, criterion_id: int, checked: bool) -> None:
        if checked:
            self._target_ids.add(criterion_id)
        else:
            self._target_ids.discard(criterion_id)
        self.targets.set_checked(self._target_ids)

    def target_ids(self) -> set[int]:
        return set(self._target_ids)

    def flush(self) -> bool:
        return all(f.flush() for f in self._fields)

    def reject(self) -> None:
        self.flush()  # keep what was typed even when the visit stays open
        super().reject()

    def accept(self) -> None:
        if not self.flush():
            return
        try:
            close_visit(self.store, self.visit_id, feedback=self.feedback.toPlainText(),
                        action_plan=self.action_plan.toPlainText(),
                        targets=sorted(self._target_ids))
        except EvidenceError as exc:
            self.banner.show_error(exc)
            return
        super().accept()


def ask_to_close_visit(loader: Loader, store: Store, visit_id: int,
                       push_edit: Callable[[Edit], None], *, autosave_ms: int,
                       on_closed: Callable[[], None]) -> None:
    """Read the visit on a worker (`loader`'s: a second request while it reads is dropped),
    then open the dialog, modal, over the loader's owner; `on_closed` once it closed the
    visit."""
    if loader.busy:
        return
    parent = loader.owner
    assert isinstance(parent, QWidget)

    def ask(loaded: tuple[Visit, list[int]]) -> None:
        visit, targets = loaded
        dialog = CloseVisitDialog(store, visit, targets, push_edit, parent,
                                  autosave_ms=autosave_ms)
        if dialog.exec():
            on_closed()

    loader.run(visit_for_closing, store, visit_id, on_done=ask,
               on_error=lambda m: show_error(parent, "Close visit", m))
