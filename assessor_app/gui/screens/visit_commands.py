"""What the visit screen does when asked: the "New evidence" menu and buttons, the commands
(new, delete, map a criterion, tick a requirement, questions, attachments) and the keyboard
helpers the window's actions call. `VisitScreen` takes them in as the `VisitCommands` mixin, so
they stay reachable as `visit_screen.new_evidence(...)` and so on.

Every command saves through the core at once and pushes an undoable edit.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
)

from assessor_app.evidence.attachments import attach_file, remove_attachment
from assessor_app.evidence.edits import CompoundEdit, Edit
from assessor_app.evidence.errors import EvidenceError
from assessor_app.evidence.items import QA, EvidenceDetail, create_evidence, delete_evidence
from assessor_app.evidence.mapping import map_criterion, unmap_criterion
from assessor_app.evidence.questioning import add_question, remove_question
from assessor_app.evidence.range_items import set_range_item
from assessor_app.evidence.requirements import tick_requirement, untick_requirement
from assessor_app.gui.screens.visit_refresh import item_and_lock
from assessor_app.gui.support.icons import KIND_CODES, KIND_NAMES, kind_icon
from assessor_app.gui.support.messages import friendly_error
from assessor_app.signoff.locks import EvidenceLock
from assessor_app.store import Store
from assessor_app.store.models import EvidenceItem, EvidenceKind

#: The six kinds in the order the "New evidence" menu lists them.
KINDS = ("observation", "questioning", "witness", "product", "discussion", "statement")
#: Kinds whose record is timed (start/end), like an observation.
TIMED_KINDS = frozenset({"observation", "discussion"})


def _attach_files(store: Store, evidence_id: int,
                  paths: list[Path]) -> tuple[list[Edit], list[str]]:
    """Runs on the write pool: copy each file into the store; collect refusals as sentences."""
    edits: list[Edit] = []
    problems: list[str] = []
    for path in paths:
        try:
            edits.append(attach_file(store, evidence_id, path))
        except Exception as exc:  # noqa: BLE001 - every file gets its own plain message
            problems.append(f"{path.name}: {friendly_error(exc)}")
    return edits, problems


class VisitCommands:
    """Mixin for `VisitScreen` (a QWidget): relies on its store, undo stack, editor, picker,
    requirements panel, banner and the `_push`/`_load_item`/`_reload_detail` and `VisitRefresh`'s `_refresh_*`
    helpers it defines."""

    # -- the "New evidence" menu and buttons --------------------------------------------------
    def _build_new_evidence(self) -> None:
        """The three most-used kinds get a button each (`new_buttons_row`); all six are in
        the New evidence menu of `new_button`."""
        self.new_obs_button = QPushButton("Observation")
        self.new_qa_button = QPushButton("Questioning")
        self.new_wt_button = QPushButton("Witness")
        self.new_menu = QMenu("New evidence", self)
        self.new_menu.setObjectName("newEvidenceMenu")
        self.new_actions: dict[str, QAction] = {}
        self.set_new_actions({kind: self._default_new_action(kind) for kind in KINDS})
        self.new_button = QToolButton()
        self.new_button.setObjectName("newEvidenceButton")
        self.new_button.setText("New evidence")
        self.new_button.setAccessibleName("New evidence: choose a kind")
        self.new_button.setToolTip("New evidence of any kind: observation, questioning, witness "
                                   "testimony, product, professional discussion, learner "
                                   "statement")
        self.new_button.setMenu(self.new_menu)
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.new_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        nb = self.new_buttons_row = QHBoxLayout()
        nb.setSpacing(4)
        for b, kind in ((self.new_obs_button, "observation"), (self.new_qa_button, "questioning"),
                        (self.new_wt_button, "witness")):
            b.setAccessibleName(f"New {KIND_NAMES[kind].lower()}")
            b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            b.setMinimumWidth(b.fontMetrics().horizontalAdvance(b.text()) + 16)
            nb.addWidget(b)

    def _default_new_action(self, kind: str) -> QAction:
        action = QAction(f"New {KIND_NAMES[kind].lower()}", self)
        action.triggered.connect(lambda: self.new_evidence(kind))
        return action

    def set_new_actions(self, actions: dict[str, QAction]) -> None:
        """Use these actions (the window's, which carry the shortcuts) in the New evidence menu."""
        self.new_actions = dict(actions)
        self.new_menu.clear()
        for kind in KINDS:
            action = self.new_actions.get(kind)
            if action is not None:
                action.setIcon(kind_icon(kind))
                action.setIconVisibleInMenu(True)
                self.new_menu.addAction(action)
        self._update_empty_hint()

    def _update_empty_hint(self) -> None:
        if not hasattr(self, "empty_hint"):
            return
        rows = []
        for kind in KINDS:
            action = self.new_actions.get(kind)
            keys = action.shortcut().toString() if action is not None else ""
            rows.append(f"<tr><td><b>{KIND_CODES[kind]}</b>&nbsp;</td>"
                        f"<td>{KIND_NAMES[kind]}&nbsp;&nbsp;</td><td>{keys}</td></tr>")
        self.empty_hint.setText(
            "Nothing selected. Start recording with <b>New evidence</b> (below the list):"
            "<table style='margin-top:8px' align='center'>" + "".join(rows) + "</table>")

    def _wire_commands(self) -> None:
        """Connect the screen's own buttons to the commands below."""
        self.new_obs_button.clicked.connect(lambda: self.new_evidence("observation"))
        self.new_qa_button.clicked.connect(lambda: self.new_evidence("questioning"))
        self.new_wt_button.clicked.connect(lambda: self.new_evidence("witness"))
        self.editor.add_question_button.clicked.connect(self.add_question)
        self.editor.remove_question_button.clicked.connect(self.remove_question)

    # -- commands ----------------------------------------------------------------------------
    def new_evidence(self, kind: str) -> int | None:
        if self.learner_id is None or self.visit_id is None:
            return None
        self.flush()
        start = datetime.now().strftime("%H:%M") if kind in TIMED_KINDS else None
        questions = [QA("")] if kind == "questioning" else []
        try:
            edit = create_evidence(self.store, self.learner_id, kind, visit_id=self.visit_id,
                                   start_time=start, questions=questions)
        except EvidenceError as exc:
            self.show_error(exc)
            return None
        self._push(edit)
        # Shown at once from what was just written, so typing can start; its reference and
        # question rows follow when the item has been read back on a worker thread.
        self.editor.flush()
        item = EvidenceItem(id=edit.evidence_id, learner_id=self.learner_id,
                            visit_id=self.visit_id, kind=kind,
                            date=self.visit_date or date.today(), start_time=start)
        self._preloaded_lock = (edit.evidence_id, EvidenceLock())  # nothing signs a new item
        self._show_detail(EvidenceDetail(item, f"{EvidenceKind.prefix_of(kind)}-…"))
        since = self._mapping_reads
        self._item_loader.run(item_and_lock, self.store, edit.evidence_id,
                              on_done=lambda loaded: self._new_item_read(loaded, since),
                              on_error=self.show_error)
        self._refresh_items({edit.evidence_id})
        self.editor.focus_main_field()
        return edit.evidence_id

    def delete_current(self) -> None:
        if self.detail is None:
            return
        self.flush()
        try:
            edit = delete_evidence(self.store, self.detail.item.id)
        except EvidenceError as exc:
            self.show_error(exc)
            return
        self._push(edit)
        self._show_detail(None)
        self._refresh_items({edit.evidence_id})
        self.refresh_coverage()
        self.banner.show_message("Evidence deleted. Undo (Ctrl+Z) brings it back.", "info", 6000)

    def set_mapped(self, criterion_id: int, mapped: bool) -> None:
        """Map (or unmap) a criterion to the current item, undoably. The box and the chips
        change at once; the write runs on the write pool (`flush` waits for it), then only
        what it changed is re-read: the item, its list row and the criterion's state. A
        refusal puts the stored mapping back on screen."""
        if self.detail is None:
            self.show_error("Select or start a piece of evidence first, then tick its criteria.")
            return
        self.editor.flush()
        evidence_id = self.detail.item.id
        self._show_mapped_now(criterion_id, mapped)

        def done(edit: Edit) -> None:
            self._push(edit)
            self._reload_mapping()
            self._refresh_items({evidence_id})
            self._refresh_criteria({criterion_id})
            self._coverage_changed_soon()

        def refused(message: str) -> None:
            self.show_error(message)
            self._reload_mapping()

        self.writes.run(map_criterion if mapped else unmap_criterion, self.store, evidence_id,
                        criterion_id, on_done=done, on_error=refused)

    def set_requirement(self, requirement_id: int, ticked: bool) -> None:
        """Tick (or untick) an evidence requirement against the current item, undoably."""
        if self.detail is None:
            self.show_error("Select or start a piece of evidence first, then tick the "
                            "requirements it meets.")
            return
        self.editor.flush()
        fn = tick_requirement if ticked else untick_requirement
        try:
            edit = fn(self.store, self.detail.item.id, requirement_id)
        except EvidenceError as exc:
            self.show_error(exc)
            return
        self._push(edit)
        self._reload_mapping()  # the "Requirements ticked" line under the chips
        self._refresh_requirements({requirement_id})
        self._coverage_changed_soon()

    def set_range_item(self, note_id: int, index: int, covered: bool) -> None:
        """Record (or stop recording) that the current item covers a range item, undoably."""
        if self.detail is None:
            return
        self.editor.flush()
        try:
            edit = set_range_item(self.store, self.detail.item.id, note_id, index, covered)
        except EvidenceError as exc:
            self.show_error(exc)
            self.criterion_guidance.reload()  # the box goes back to what is stored
            return
        self._push(edit)

    def add_question(self) -> None:
        if self.detail is None or self.detail.item.kind != "questioning":
            self.show_error("Questions belong to a questioning session: start one with "
                            "New questioning (Ctrl+Shift+Q).")
            return
        self.editor.flush()
        try:
            edit = add_question(self.store, self.detail.item.id)
        except EvidenceError as exc:
            self.show_error(exc)
            return
        self._push(edit)
        self.editor.qa_table.edit_cell(self.editor.qa_model.show_added(edit), 1)

    def remove_question(self) -> None:
        index = self.editor.qa_table.currentIndex()
        row_id = self.editor.qa_model.row_id(index.row()) if index.isValid() else None
        if row_id is None:
            return
        try:
            edit = remove_question(self.store, row_id)
        except EvidenceError as exc:
            self.show_error(exc)
            return
        self._push(edit)
        self.editor.qa_model.show_removed(row_id)

    def choose_files(self) -> None:
        if self.detail is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Attach files to this evidence", "",
            "Photos and documents (*.png *.jpg *.jpeg *.heic *.gif *.pdf *.doc *.docx *.txt);;"
            "All files (*)")
        if paths:
            self.add_files([Path(p) for p in paths])

    def add_files(self, paths: list[Path]) -> None:
        """Drop and the file dialog both land here; copying runs on the write pool."""
        if self.detail is None:
            self.show_error("Select or start a piece of evidence first, then attach files to it.")
            return
        # Save what was typed first: the reload after attaching shows the stored fields.
        self.editor.flush()
        evidence_id = self.detail.item.id
        self.banner.show_message(f"Attaching {len(paths)} file(s)…", "info")

        def done(result: tuple[list[Edit], list[str]]) -> None:
            edits, problems = result
            if len(edits) == 1:
                self._push(edits[0])
            elif edits:
                self._push(CompoundEdit("Attach files", edits))
            if self.detail is not None and self.detail.item.id == evidence_id:
                self._reload_detail()
            self._refresh_items({evidence_id})
            if problems:
                self.show_error("Not attached — " + " ".join(problems))
            else:
                self.banner.dismiss()

        # On the write pool, in order with the screen's other writes (and `busy` until done).
        self.writes.run(_attach_files, self.store, evidence_id, list(paths), on_done=done,
                        on_error=self.show_error)

    def remove_attachment(self, attachment_id: int) -> None:
        self.editor.flush()
        try:
            edit = remove_attachment(self.store, attachment_id)
        except EvidenceError as exc:
            self.show_error(exc)
            return
        self._push(edit)
        evidence_id = self.detail.item.id if self.detail else None
        self._reload_detail()
        self._refresh_items({evidence_id})

    # -- keyboard helpers used by the window's actions ------------------------------------------
    def focus_list(self) -> None:
        self.evidence_list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_editor(self) -> None:
        self.editor.focus_main_field()

    def focus_picker(self) -> None:
        self.side_tabs.setCurrentWidget(self.picker)
        self.picker.focus_filter()

    def focus_requirements(self) -> None:
        if not self.side_tabs.isTabEnabled(1):
            self.show_error("None of this learner's units state evidence requirements beyond "
                            "their criteria, so there is nothing to tick.")
            return
        self.side_tabs.setCurrentWidget(self.requirements)
        self.requirements.focus_tree()

    def step_criterion(self, delta: int) -> None:
        self.side_tabs.setCurrentWidget(self.picker)
        self.picker.step(delta)

    def toggle_criterion(self) -> None:
        self.side_tabs.setCurrentWidget(self.picker)
        self.picker.toggle_current()
