"""The visit screen: evidence list with a "New evidence" menu of all six kinds (left), editor with
chips and attachments (middle), and on the right two tabs: the criteria picker and the unit's
evidence requirements. Everything typed or ticked is saved through the core at once and can be
undone.

This module lays the screen out, loads the visit and shows the current item; the commands (New
evidence menu, delete, map, tick, questions, attachments, keyboard helpers) are in
`visit_commands`, mixed into `VisitScreen`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assessor_app.evidence.edits import CompoundEdit, Edit
from assessor_app.evidence.items import EvidenceDetail
from assessor_app.evidence.queries import (
    VisitOpening,
    open_visit_data,
)
from assessor_app.gui.models.attachments_model import AttachmentsModel
from assessor_app.gui.models.evidence_list_model import EVIDENCE_ID_ROLE
from assessor_app.gui.models.visit_evidence_model import VisitEvidenceModel
from assessor_app.gui.screens.evidence_editor import EvidenceEditor
from assessor_app.gui.screens.visit_commands import VisitCommands
from assessor_app.gui.screens.visit_locks import VisitLocks
from assessor_app.gui.screens.visit_refresh import VisitRefresh, edit_evidence_ids, item_and_lock
from assessor_app.gui.support import theme
from assessor_app.gui.support.messages import Banner
from assessor_app.gui.support.undo import push_edit
from assessor_app.gui.support.workers import Loader
from assessor_app.gui.widgets.attachments_view import AttachmentsView
from assessor_app.gui.widgets.chips import Chip, ChipsView
from assessor_app.gui.widgets.criteria_picker import CriteriaPicker
from assessor_app.gui.widgets.criterion_guidance import CriterionGuidance
from assessor_app.gui.widgets.requirements_panel import RequirementsPanel
from assessor_app.signoff.locks import EvidenceLock
from assessor_app.store import Store

log = logging.getLogger(__name__)

#: The longest heading an evidence row usually has; the list is at least this wide.
LIST_HEADING_SAMPLE = "OBS-12  10:45 · 12 criteria · 3 files"
#: One frame (ms): Qt paints a window at most this often, so work queued this long after a
#: change lands after the change's paint, not in the same pause.
FRAME_MS = 16


class VisitScreen(VisitCommands, VisitRefresh, VisitLocks, QWidget):
    back_requested = Signal()
    coverage_changed = Signal(int)  # learner id
    close_requested = Signal(int)  # visit id

    def __init__(self, store: Store, undo_stack: QUndoStack, *, autosave_ms: int = 400,
                 assessor_name: Callable[[], str] | None = None,
                 parent: QWidget | None = None) -> None:
        """`assessor_name`: who is assessing (the window's copy of the profile), named when
        a record is unlocked."""
        super().__init__(parent)
        self.setObjectName("visitScreen")
        self.store = store
        self.assessor_name_source = assessor_name
        self.undo_stack = undo_stack
        self.learner_id: int | None = None
        self.visit_id: int | None = None
        self.detail: EvidenceDetail | None = None
        self.visit_date: date | None = None
        self._loading = False
        self._opening = False  # a visit is opening: its newest item is on its way
        self._stage = self._stage_done = 0  # opening a visit fills the panes in turns
        self._visit_loader = Loader(self)
        self._coverage_loader = Loader(self)
        self._item_loader = Loader(self)

        self.title = QLabel()
        self.title.setObjectName("visitTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.banner = Banner()

        left = self._build_left()
        middle = self._build_middle(store, autosave_ms)
        self._build_right()
        self._build_splitter(left, middle)
        self._build_top()
        self._wire_commands()
        self._build_refreshers()
        self._set_tab_order()
        self._show_detail(None)
        QTimer.singleShot(0, self._warm_symbols)

    def _warm_symbols(self) -> None:
        """Look up the fonts of the picker's state symbols (○ ◐ ● ◆ …) while the window is
        idle: the first text that needs a fallback font pays for finding it, which would
        otherwise fall on the first paint of the criteria when a visit opens."""
        self.picker.tree.fontMetrics().horizontalAdvance(
            "".join(theme.SYMBOLS.values()) + "◆✔✘…")

    def _build_left(self) -> QWidget:
        """Left: the evidence recorded on this visit and the New buttons."""
        self.evidence_model = VisitEvidenceModel(self.store, self)
        self.evidence_model.failed.connect(self.show_error)
        self.evidence_list = QListView()
        self.evidence_list.setObjectName("evidenceList")
        self.evidence_list.setAccessibleName("Evidence recorded on this visit")
        self.evidence_list.setModel(self.evidence_model)
        self.evidence_list.setWordWrap(False)
        self.evidence_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.evidence_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.evidence_list.setSpacing(2)
        self.evidence_list.setUniformItemSizes(True)
        self.evidence_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.evidence_list.selectionModel().currentChanged.connect(self._on_current_evidence)
        self._build_new_evidence()
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(QLabel("<b>Evidence this visit</b>"))
        ll.addWidget(self.evidence_list, 1)
        ll.addWidget(self.new_button)
        ll.addLayout(self.new_buttons_row)

        return left

    def _build_middle(self, store: Store, autosave_ms: int) -> QWidget:
        """Middle: the editor, the chips of mapped criteria and the attachments."""
        self.editor = EvidenceEditor(store, self._push, self.show_error, autosave_ms)
        self.editor.saved.connect(lambda: self._refresh_items({self.editor.evidence_id}))
        self.chips = ChipsView()
        self.chips.remove_requested.connect(lambda cid: self.set_mapped(cid, False))
        self.attachments_model = AttachmentsModel(store, self)
        self.attachments = AttachmentsView()
        self.attachments.setModel(self.attachments_model)
        self.attachments.files_added.connect(self.add_files)
        self.attachments.remove_requested.connect(self.remove_attachment)
        self.attach_button = QPushButton("Attach file…")
        self.attach_button.clicked.connect(self.choose_files)
        self.empty_hint = QLabel()
        self.empty_hint.setObjectName("emptyHint")
        self._update_empty_hint()
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        middle = QWidget()
        ml = QVBoxLayout(middle)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.addWidget(self.empty_hint)
        # While a visit opens: plain text, cheap to lay out and paint (the hint is a table).
        self.opening_label = QLabel("Opening the visit…")
        self.opening_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.opening_label.hide()
        ml.addWidget(self.opening_label)
        ml.addWidget(self._build_lock_badge())
        ml.addWidget(self.editor, 1)
        self.chips_label = QLabel("<b>Mapped criteria</b> (click × or press Delete to remove)")
        ml.addWidget(self.chips_label)
        ml.addWidget(self.chips)
        self.ticks_label = QLabel()
        self.ticks_label.setObjectName("requirementTicks")
        self.ticks_label.setWordWrap(True)
        self.ticks_label.setToolTip("Evidence requirements ticked for this item (Ctrl+4 to "
                                    "change them)")
        ml.addWidget(self.ticks_label)
        ah = QHBoxLayout()
        self.attachments_label = QLabel()
        ah.addWidget(self.attachments_label, 1)
        ah.addWidget(self.attach_button)
        ml.addLayout(ah)
        self._attachments_stretch_at = ml.count()
        ml.addWidget(self.attachments)
        self.middle_layout = ml
        self._one_row = self.attachments.gridSize().height() + 12
        self._set_attachments_prominent(False)

        return middle

    def _build_right(self) -> None:
        """Right: the criteria picker and, on a second tab, the units' evidence requirements."""
        self.picker = CriteriaPicker()
        self.picker.toggle_requested.connect(self.set_mapped)
        # Range and teaching content beside the criterion being ticked (issue 13).
        self.criterion_guidance = CriterionGuidance(self.store)
        self.picker.layout().addWidget(self.criterion_guidance)
        self.criterion_guidance.range_toggled.connect(self.set_range_item)
        self.picker.tree.selectionModel().currentChanged.connect(
            lambda *_: self.criterion_guidance.show_criterion(self.picker.current_criterion_id()))
        self.requirements = RequirementsPanel()
        self.requirements.toggle_requested.connect(self.set_requirement)
        self.side_tabs = QTabWidget()
        self.side_tabs.setObjectName("sideTabs")
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.addTab(self.picker, "Criteria")
        self.side_tabs.addTab(self.requirements, "Requirements")
        self.side_tabs.setTabToolTip(0, "Assessment criteria (Ctrl+3)")
        self.side_tabs.setTabToolTip(1, "Evidence requirements of the units (Ctrl+4)")


    def _build_splitter(self, left: QWidget, middle: QWidget) -> None:
        """The three columns side by side."""
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.side_tabs)
        # At 1366×768 the list must show a whole heading ("OBS-12  10:45 · 12 criteria ·
        # 3 files") and the picker most of a criterion; the editor wraps, so it gives way.
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 4)
        self.splitter.setSizes([330, 560, 450])
        left.setMinimumWidth(self.fontMetrics().horizontalAdvance(LIST_HEADING_SAMPLE) + 60)
        middle.setMinimumWidth(380)
        self.side_tabs.setMinimumWidth(280)


    def _build_top(self) -> None:
        """Back and Close buttons around the title, the banner, then the columns."""
        self.back_button = QPushButton("← Learner")
        self.back_button.setToolTip("Back to the learner (Alt+Left)")
        self.back_button.clicked.connect(self.back_requested)
        self.close_button = QPushButton("Close visit…")
        self.close_button.setToolTip("Feedback, action plan and criteria for next time "
                                     "(Ctrl+Shift+F)")
        self.close_button.clicked.connect(lambda: self.visit_id and
                                          self.close_requested.emit(self.visit_id))
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)


    def _set_tab_order(self) -> None:
        """Tab goes list → editor → chips → attachments → picker → requirements."""
        self.setTabOrder(self.evidence_list, self.editor.title)
        self.setTabOrder(self.editor.text, self.chips)
        self.setTabOrder(self.chips, self.attachments)
        self.setTabOrder(self.attachments, self.attach_button)
        self.setTabOrder(self.attach_button, self.side_tabs)
        self.setTabOrder(self.side_tabs, self.picker.filter)
        self.setTabOrder(self.picker.filter, self.picker.tree)
        self.setTabOrder(self.picker.tree, self.requirements.tree)

    # -- opening -----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """A load is under way (the visit, its evidence list, the coverage or an item)."""
        return self._stage != self._stage_done or self.evidence_model.busy \
            or self._refreshing() or any(
            loader.busy for loader in (self._visit_loader, self._coverage_loader,
                                       self._item_loader))

    def open_visit(self, learner_id: int, visit_id: int) -> None:
        """Show the visit: the screen clears at once and fills when its data has been read."""
        self.flush()
        self.learner_id, self.visit_id = learner_id, visit_id
        self._coverage_loader.cancel()
        self._clear_refreshes()
        self.evidence_model.clear()
        self._stage_done = self._stage = self._stage + 1  # panes of a visit still filling: stop
        self._opening = True
        self._show_detail(None)
        self.title.setText("<b>Visit</b> · loading…")
        self.banner.dismiss()
        self._visit_loader.run(open_visit_data, self.store, learner_id, visit_id,
                               self.evidence_model.page,
                               on_done=self._visit_loaded, on_error=self._visit_failed)

    def _visit_failed(self, message: str) -> None:
        self._opening = False
        self._show_detail(None)
        self.show_error(message)

    def _visit_loaded(self, data: VisitOpening) -> None:
        if (data.learner_id, data.visit_id) != (self.learner_id, self.visit_id):
            return  # another visit was opened while this one loaded
        visit = data.visit
        place = f" · {visit.place}" if visit.place else ""
        status = visit.status.replace("_", " ")
        self.title.setText(f"<b>Visit</b> · {data.learner_name} · {visit.date:%d %b %Y}{place} "
                           f"· <i>{status}</i>")
        self.visit_date = visit.date  # a new item's date
        self._loading = True
        try:
            self.evidence_model.show_first_page(data.learner_id, data.visit_id, data.first_page)
        finally:
            self._loading = False
        self._after_rows_changed()  # the newest item starts loading now
        # The criteria and the requirements are filled a frame later, laid out and painted on
        # their own: the list is painted first (at the window's next update, within a frame),
        # so the two paints are two short pauses rather than one long one. Criteria and
        # requirements together: the requirements' count in their tab's title repaints the side
        # tabs, so a turn of their own would paint the criteria twice (their tab is hidden: its
        # rows are laid out when it is shown).
        stage = self._stage = self._stage + 1

        def fill_side_tabs() -> None:
            if stage == self._stage:
                self.picker.set_units(data.coverage.units)
                self.picker.set_planned(data.planned)
                self._show_requirements(data.coverage.units, data.coverage.refs)
                self._stage_done = stage

        QTimer.singleShot(FRAME_MS, fill_side_tabs)

    # -- evidence list -----------------------------------------------------------------------
    def _mark_current(self, evidence_id: int) -> None:
        """Select the item's row without reloading it into the editor."""
        row = self.evidence_model.row_of(evidence_id)
        if row < 0:
            return
        self._loading = True
        try:
            self.evidence_list.selectionModel().setCurrentIndex(
                self.evidence_model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        finally:
            self._loading = False

    def select_evidence(self, evidence_id: int, reload: bool = True) -> None:
        """Select an item in the list and show it when it has been read (in the background)."""
        row = self.evidence_model.row_of(evidence_id)
        if row < 0:
            return
        index = self.evidence_model.index(row)
        if self.evidence_list.currentIndex() == index and not reload and self.detail:
            return
        self._loading = True
        try:
            self.evidence_list.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        finally:
            self._loading = False
        self.evidence_list.scrollTo(index)
        self._load_item(evidence_id)

    def _on_current_evidence(self, current: QModelIndex, _prev: QModelIndex) -> None:
        if self._loading or not current.isValid():
            return
        self._load_item(int(current.data(EVIDENCE_ID_ROLE)))

    def _load_item(self, evidence_id: int) -> None:
        """Show one item in the editor once it has been read in the background, so the window
        never waits for the database."""
        self.editor.flush()  # saves belong to the item they were typed into
        self._item_loader.run(item_and_lock, self.store, evidence_id,
                              on_done=self._item_loaded, on_error=self.show_error)

    def _item_loaded(self, loaded: tuple[EvidenceDetail, EvidenceLock]) -> None:
        self.editor.flush()  # anything typed meanwhile belongs to the item it was typed into
        detail, lock = loaded
        self._preloaded_lock = (detail.item.id, lock)
        self._show_detail(detail)

    def _show_detail(self, detail: EvidenceDetail | None) -> None:
        self.detail = detail
        self.editor.show_item(detail)
        self.editor.setVisible(detail is not None)
        self._opening = self._opening and detail is None
        self.empty_hint.setVisible(detail is None and not self._opening)
        self.opening_label.setVisible(self._opening)
        for w in (self.chips, self.chips_label, self.attachments, self.attach_button):
            w.setEnabled(detail is not None)
        self._set_attachments_prominent(detail is not None and detail.item.kind == "product")
        self.requirements.set_current(detail.item.id if detail else None)
        self.criterion_guidance.set_evidence(detail.item.id if detail else None)
        self._show_mapping()
        self.attachments_model.show(detail.item.id if detail else None,
                                    detail.attachments if detail else [])
        self.picker.set_enabled_for_mapping(detail is not None)
        self._apply_lock()

    def _set_attachments_prominent(self, prominent: bool) -> None:
        """Product evidence is mostly its photos/files: give them room and say so."""
        if prominent:
            self.attachments_label.setText(
                "<b>Photos and files of the work product</b> — drop them here or use "
                "Attach file… (Ctrl+Shift+A)")
            self.attachments.setMinimumHeight(self._one_row * 2 - 8)
            self.attachments.setMaximumHeight(16777215)
            self.middle_layout.setStretchFactor(self.attachments, 3)
            self.middle_layout.setStretchFactor(self.editor, 2)
        else:
            self.attachments_label.setText("<b>Attachments</b> — drop photos here")
            self.attachments.setMinimumHeight(self._one_row - 4)
            self.attachments.setMaximumHeight(self._one_row)
            self.middle_layout.setStretchFactor(self.attachments, 0)
            self.middle_layout.setStretchFactor(self.editor, 1)
        self.attachments.empty_text = ("Drop photos or documents of the work product here"
                                       if prominent else "Drop photos or documents here")
        self.attachments.viewport().update()

    def _show_mapping(self) -> None:
        detail = self.detail
        mapped = detail.criteria if detail else []
        self.chips.set_chips([
            Chip(m.criterion_id, m.label.replace(":", " "), f"{m.label}\n{m.text}")
            for m in mapped])
        self.picker.set_checked({m.criterion_id for m in mapped})
        self._show_ticks()

    def _show_ticks(self) -> None:
        """The requirements ticked for this item, as a line under its criteria chips."""
        keys = [f"{t.unit_reference} {t.key}" for t in self.detail.requirement_ticks] \
            if self.detail else []
        self.ticks_label.setVisible(self.requirements.has_requirements()
                                    and self.detail is not None)
        self.ticks_label.setText(
            "<b>Requirements ticked:</b> " + (", ".join(keys) if keys else "none yet")
            + "  (Ctrl+4 to change)")

    # -- edits and undo ----------------------------------------------------------------------
    def _push(self, edit: Edit) -> None:
        push_edit(self.undo_stack, self.store, edit, self.after_undo_or_redo, self.show_error)

    def show_error(self, error: BaseException | str) -> None:
        self.banner.show_error(error)
    def after_undo_or_redo(self, edit: Edit) -> None:
        """Show what an undo/redo changed: go to the item it touched, reload, recount."""
        if self.learner_id is None:
            return
        target = getattr(edit, "evidence_id", None)
        if isinstance(edit, CompoundEdit) and edit.edits:
            target = getattr(edit.edits[0], "evidence_id", None)
        if target is not None and (self.detail is None or self.detail.item.id != target):
            self._go_to_edited(target)  # the item the edit touched, once read
        elif self.detail is not None:
            self._reload_detail()  # clears the editor if the edit removed the item
        self._refresh_items(edit_evidence_ids(edit))
        self.refresh_coverage()

    def flush(self) -> None:
        """Store everything the user has done: typing not yet saved, mappings being written."""
        self.editor.flush()
        self.writes.finish()
        if self._announce.isActive():
            self._announce_now()
