"""Main window: learner list with search (left), the learner's units, progress and visits
(right), the visit screen (a second page), menus with every shortcut, and the status bar with
the sync indicator. Sign-off opens the sign-off dialog for the selected unit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assessor_app.evidence.coverage import LearnerCoverage, learner_coverage
from assessor_app.evidence.edits import Edit
from assessor_app.evidence.errors import EvidenceError
from assessor_app.evidence.refs import get_learner
from assessor_app.evidence.visits import VisitSummary, current_visit, list_visits, start_visit
from assessor_app.gui.close_visit_dialog import CloseVisitDialog
from assessor_app.gui.coverage_view import CoverageDialog, CoverageView
from assessor_app.gui.learner_dialogs import EnrolDialog, NewLearnerDialog
from assessor_app.gui.messages import Banner, show_error
from assessor_app.gui.models.learner_list_model import LEARNER_ID_ROLE, LearnerListModel
from assessor_app.gui.models.overview_models import (
    SIGNOFF_COLUMN,
    SIGNOFF_SYMBOLS,
    UNIT_ID_ROLE,
    VISIT_ID_ROLE,
    UnitProgressModel,
    VisitsModel,
)
from assessor_app.gui.settings import AppSettings
from assessor_app.gui.signoff_dialog import SignOffDialog
from assessor_app.gui.signoff_history_dialog import SignOffHistoryDialog
from assessor_app.gui.sync_status import SyncController
from assessor_app.gui.undo import push_edit
from assessor_app.gui.unit_library import UnitLibraryDialog
from assessor_app.gui.visit_screen import VisitScreen
from assessor_app.gui.widgets.progress_delegate import ProgressDelegate
from assessor_app.gui.workers import Loader, cancel_all
from assessor_app.signoff.service import SignOffSummary, unit_signoff_states
from assessor_app.store import Store
from assessor_app.store.models import Learner
from assessor_app.store.settings import get_setting

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Overview:
    learner: Learner
    coverage: LearnerCoverage
    visits: list[VisitSummary]
    signoffs: dict[int, SignOffSummary]  # unit id -> the sign-off that says where it stands


def load_overview(store: Store, learner_id: int) -> Overview:
    """Runs on a pool thread: everything the learner page shows, in one short read."""
    with store.session() as session:
        learner = get_learner(session, learner_id)
        return Overview(learner, learner_coverage(session, learner_id),
                        list_visits(session, learner_id),
                        unit_signoff_states(session, learner_id))


class MainWindow(QMainWindow):
    overview_loaded = Signal(int)  # learner id, after the right-hand side has been filled

    def __init__(self, store: Store, settings: AppSettings | None = None) -> None:
        super().__init__()
        self.store = store
        self.settings = settings or AppSettings()
        self.setWindowTitle("Assessor companion")
        self.setObjectName("mainWindow")
        self.learner_id: int | None = None
        self.overview: Overview | None = None
        self.undo_stack = QUndoStack(self)
        self.coverage_dialog: CoverageDialog | None = None
        self._overview_loader = Loader(self)

        self._build_learner_list()
        self._build_overview()
        self.visit_screen = VisitScreen(store, self.undo_stack,
                                        autosave_ms=self.settings.autosave_delay_ms)
        self.visit_screen.back_requested.connect(self.show_learner_page)
        self.visit_screen.coverage_changed.connect(self._coverage_changed)
        self.visit_screen.close_requested.connect(self.close_visit)

        self.main_split = QSplitter(Qt.Orientation.Horizontal)
        self.main_split.setChildrenCollapsible(False)
        self.main_split.addWidget(self.learner_panel)
        self.main_split.addWidget(self.overview_panel)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([280, 900])
        self.pages = QStackedWidget()
        self.pages.addWidget(self.main_split)
        self.pages.addWidget(self.visit_screen)
        self.pages.currentChanged.connect(self._update_actions)
        self.setCentralWidget(self.pages)

        self.status_label = QLabel("Ready")
        self.statusBar().addWidget(self.status_label, 1)
        self._build_actions()
        self._build_overview_actions()
        self.sync = SyncController(self.store, self)
        self.sync.install(self, menu=self.file_menu)
        self._restore_state()
        self.learner_model.refresh()

    # -- building ----------------------------------------------------------------------------
    def _build_learner_list(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("learnerSearch")
        self.search.setPlaceholderText("Search learners (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search learners")
        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(lambda: self.learner_model.set_search(
            self.search.text()))
        self.search.textChanged.connect(self._search_timer.start)
        self.learner_model = LearnerListModel(self.store, self)
        self.learner_model.loaded.connect(self._learners_loaded)
        self.learner_model.failed.connect(lambda m: self.banner.show_error(m))
        self.learner_list = QListView()
        self.learner_list.setObjectName("learnerList")
        self.learner_list.setAccessibleName("Learners")
        self.learner_list.setModel(self.learner_model)
        self.learner_list.setUniformItemSizes(True)
        self.learner_list.setSpacing(2)
        self.learner_list.selectionModel().currentChanged.connect(self._on_learner)
        self.search.returnPressed.connect(lambda: self.learner_list.setFocus())
        self.learner_count = QLabel()
        self.new_learner_button = QPushButton("New learner…")
        self.learner_panel = QWidget()
        lay = QVBoxLayout(self.learner_panel)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.search)
        lay.addWidget(self.learner_list, 1)
        row = QHBoxLayout()
        row.addWidget(self.learner_count, 1)
        row.addWidget(self.new_learner_button)
        lay.addLayout(row)
        self.learner_panel.setMinimumWidth(220)

    def _build_overview(self) -> None:
        self.banner = Banner()
        self.learner_heading = QLabel("Choose a learner on the left, or add one.")
        self.learner_heading.setObjectName("learnerHeading")
        self.learner_heading.setWordWrap(True)
        self.units_model = UnitProgressModel(self)
        self.units_table = QTableView()
        self.units_table.setObjectName("unitsTable")
        self.units_table.setAccessibleName("Units and progress")
        self.units_table.setModel(self.units_model)
        self.units_table.setItemDelegateForColumn(1, ProgressDelegate(self.units_table))
        self.units_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.units_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.units_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.units_table.verticalHeader().hide()
        self.units_table.setShowGrid(False)
        self.units_table.setWordWrap(False)
        self.units_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        h = self.units_table.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        h.resizeSection(1, 330)
        h.setSectionResizeMode(SIGNOFF_COLUMN, QHeaderView.ResizeMode.Fixed)
        widest = max(self.fontMetrics().horizontalAdvance(t) for t in (
            f"{SIGNOFF_SYMBOLS['void']} Void — needs new signatures",
            f"{SIGNOFF_SYMBOLS['partial']} Partial (signed 28 Nov 2026)"))
        h.resizeSection(SIGNOFF_COLUMN, widest + 36)  # room for the bold void text
        self.units_table.doubleClicked.connect(self._unit_double_clicked)
        self.units_table.verticalHeader().setDefaultSectionSize(
            self.fontMetrics().height() + 14)
        self.visits_model = VisitsModel(self)
        self.visits_list = QListView()
        self.visits_list.setObjectName("visitsList")
        self.visits_list.setAccessibleName("Visits")
        self.visits_list.setModel(self.visits_model)
        self.visits_list.setSpacing(2)
        self.visits_list.setWordWrap(True)
        self.visits_list.activated.connect(self._open_visit_index)

        self.start_button = QPushButton("Start visit")
        self.coverage_button = QPushButton("Coverage")
        self.signoff_button = QPushButton("Sign off unit…")
        self.history_button = QPushButton("Sign-offs and ERS…")
        self.enrol_button = QPushButton("Enrol on unit…")
        buttons = QHBoxLayout()
        for b in (self.start_button, self.coverage_button, self.signoff_button,
                  self.history_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.enrol_button)

        self.overview_panel = QWidget()
        lay = QVBoxLayout(self.overview_panel)
        lay.setContentsMargins(8, 0, 0, 0)
        lay.addWidget(self.banner)
        lay.addWidget(self.learner_heading)
        lay.addWidget(QLabel("<b>Units</b>"))
        lay.addWidget(self.units_table)
        lay.addWidget(QLabel("<b>Visits</b> (Enter opens one)"))
        lay.addWidget(self.visits_list, 1)
        lay.addLayout(buttons)

    def _action(self, text: str, shortcut: str | QKeySequence.StandardKey | list[str] | None,
                slot, tip: str = "") -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        if isinstance(shortcut, list):
            action.setShortcuts([QKeySequence(s) for s in shortcut])
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        label = tip or text.replace("&", "").rstrip("…")
        action.setToolTip(f"{label} ({keys})" if keys else label)
        action.setStatusTip(action.toolTip())
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work from every page
        return action

    def _build_actions(self) -> None:
        vs = self.visit_screen
        self.act_new_learner = self._action("&New learner…", "Ctrl+Shift+L", self.new_learner)
        self.act_enrol = self._action("&Enrol on unit…", "Ctrl+Shift+E", self.enrol)
        self.act_settings = self._action("&Settings…", "Ctrl+,", self.open_settings)
        self.act_quit = self._action("&Quit", QKeySequence.StandardKey.Quit, self.close)
        self.act_undo = self._action("&Undo", "Ctrl+Z", self.undo)
        self.act_redo = self._action("&Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], self.redo)
        self.undo_stack.canUndoChanged.connect(self.act_undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.act_redo.setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda t: self.act_undo.setText(f"&Undo {t}".strip()))
        self.undo_stack.redoTextChanged.connect(
            lambda t: self.act_redo.setText(f"&Redo {t}".strip()))
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)
        self.act_find = self._action("&Find learner", "Ctrl+F", self.focus_search)
        self.act_start = self._action("&Start visit", "Ctrl+N", self.start_visit)
        self.act_coverage = self._action("&Coverage", "Ctrl+M", self.show_coverage,
                                         "Coverage matrix")
        self.act_signoff = self._action("Sign &off unit…", "Ctrl+Shift+S",
                                        self._signoff_selected)
        self.act_new_obs = self._action("New &observation", "Ctrl+Shift+O",
                                        lambda: vs.new_evidence("observation"))
        self.act_new_qa = self._action("New &questioning", "Ctrl+Shift+Q",
                                       lambda: vs.new_evidence("questioning"))
        self.act_new_wt = self._action("New &witness testimony", "Ctrl+Shift+W",
                                       lambda: vs.new_evidence("witness"))
        self.act_new_pe = self._action("New product e&vidence", "Ctrl+Shift+P",
                                       lambda: vs.new_evidence("product"))
        self.act_new_pd = self._action("New pro&fessional discussion", "Ctrl+Shift+D",
                                       lambda: vs.new_evidence("discussion"))
        self.act_new_ls = self._action("New learner &statement", "Ctrl+Shift+T",
                                       lambda: vs.new_evidence("statement"))
        vs.set_new_actions({"observation": self.act_new_obs, "questioning": self.act_new_qa,
                            "witness": self.act_new_wt, "product": self.act_new_pe,
                            "discussion": self.act_new_pd, "statement": self.act_new_ls})
        self.act_add_q = self._action("&Add question", ["Ctrl+Return", "Ctrl+Enter"],
                                      vs.add_question)
        self.act_attach = self._action("A&ttach file…", "Ctrl+Shift+A", vs.choose_files)
        self.act_delete = self._action("&Delete evidence", "Ctrl+Delete", vs.delete_current)
        self.act_filter = self._action("Filter &criteria", "Ctrl+K", vs.focus_picker)
        self.act_next = self._action("&Next criterion", ["F8", "Ctrl+]"],
                                     lambda: vs.step_criterion(1))
        self.act_prev = self._action("&Previous criterion", ["Shift+F8", "Ctrl+["],
                                     lambda: vs.step_criterion(-1))
        self.act_tick = self._action("&Tick criterion", "Ctrl+T", vs.toggle_criterion,
                                     "Tick or untick the selected criterion")
        self.act_focus_list = self._action("Go to evidence &list", "Ctrl+1", vs.focus_list)
        self.act_focus_editor = self._action("Go to &editor", "Ctrl+2", vs.focus_editor)
        self.act_focus_picker = self._action("Go to c&riteria", "Ctrl+3", vs.focus_picker)
        self.act_focus_reqs = self._action("Go to evidence req&uirements", "Ctrl+4",
                                           vs.focus_requirements,
                                           "Go to the evidence requirements (Space ticks one)")
        # Only while a visit is open, like the other visit actions (see _update_actions).
        visit_only = (self.act_new_pe, self.act_new_pd, self.act_new_ls, self.act_focus_reqs)

        def enable_visit_only(*_: object) -> None:
            for a in visit_only:
                a.setEnabled(self.pages.currentWidget() is vs)

        self.pages.currentChanged.connect(enable_visit_only)
        enable_visit_only()
        self.act_close_visit = self._action("&Close visit…", "Ctrl+Shift+F",
                                            lambda: vs.visit_id and self.close_visit(vs.visit_id))
        self.act_back = self._action("&Back to learner", "Alt+Left", self.show_learner_page)
        self.act_shortcuts = self._action("&Keyboard shortcuts", "F1", self.show_shortcuts)

        mb = self.menuBar()
        m = self.file_menu = mb.addMenu("&File")
        m.addActions([self.act_new_learner, self.act_enrol])
        m.addSeparator()
        m.addAction(self.act_settings)
        m.addSeparator()
        m.addAction(self.act_quit)
        m = mb.addMenu("&Edit")
        m.addActions([self.act_undo, self.act_redo])
        m = mb.addMenu("&Learner")
        m.addActions([self.act_find, self.act_start, self.act_coverage, self.act_signoff])
        m = mb.addMenu("&Visit")
        m.addActions([self.act_new_obs, self.act_new_qa, self.act_new_wt, self.act_new_pe,
                      self.act_new_pd, self.act_new_ls])
        m.addSeparator()
        m.addActions([self.act_add_q, self.act_attach, self.act_delete])
        m.addSeparator()
        m.addActions([self.act_filter, self.act_next, self.act_prev, self.act_tick])
        m.addSeparator()
        m.addActions([self.act_focus_list, self.act_focus_editor, self.act_focus_picker,
                      self.act_focus_reqs])
        m.addSeparator()
        m.addActions([self.act_close_visit, self.act_back])
        m = mb.addMenu("&Help")
        m.addAction(self.act_shortcuts)

        for button, action in ((self.start_button, self.act_start),
                               (self.coverage_button, self.act_coverage),
                               (self.signoff_button, self.act_signoff),
                               (self.enrol_button, self.act_enrol),
                               (self.new_learner_button, self.act_new_learner),
                               (vs.new_obs_button, self.act_new_obs),
                               (vs.new_qa_button, self.act_new_qa),
                               (vs.new_wt_button, self.act_new_wt),
                               (vs.attach_button, self.act_attach),
                               (vs.editor.add_question_button, self.act_add_q)):
            button.setToolTip(action.toolTip())
        self.start_button.clicked.connect(self.start_visit)
        self.coverage_button.clicked.connect(self.show_coverage)
        self.signoff_button.clicked.connect(self._signoff_selected)
        self.enrol_button.clicked.connect(self.enrol)
        self.new_learner_button.clicked.connect(self.new_learner)
        self._update_actions()

    def _update_actions(self, *_: object) -> None:
        in_visit = self.pages.currentWidget() is self.visit_screen
        has_learner = self.learner_id is not None
        for a in (self.act_new_obs, self.act_new_qa, self.act_new_wt, self.act_add_q,
                  self.act_attach, self.act_delete, self.act_filter, self.act_next,
                  self.act_prev, self.act_tick, self.act_focus_list, self.act_focus_editor,
                  self.act_focus_picker, self.act_close_visit, self.act_back):
            a.setEnabled(in_visit)
        for a in (self.act_start, self.act_coverage, self.act_signoff, self.act_enrol):
            a.setEnabled(has_learner)
        for b, a in ((self.start_button, self.act_start), (self.coverage_button, self.act_coverage),
                     (self.signoff_button, self.act_signoff), (self.enrol_button, self.act_enrol)):
            b.setEnabled(a.isEnabled())

    # -- learners ----------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.show_learner_page()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _learners_loaded(self) -> None:
        n = self.learner_model.total()
        self.learner_count.setText(f"{n} learner{'s' if n != 1 else ''}")
        wanted = self.learner_id or self.settings.last_learner_id
        row = self.learner_model.row_of(wanted) if wanted else -1
        if row < 0 and self.learner_model.rowCount() and self.learner_id is None:
            row = 0
        if row >= 0:
            self.learner_list.selectionModel().setCurrentIndex(
                self.learner_model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _on_learner(self, current: QModelIndex, _prev: QModelIndex) -> None:
        if current.isValid():
            self.select_learner(int(current.data(LEARNER_ID_ROLE)))

    def select_learner(self, learner_id: int) -> None:
        if learner_id != self.learner_id:
            self.undo_stack.clear()  # undo history belongs to one learner's session
        self.learner_id = learner_id
        self.settings.last_learner_id = learner_id
        self._update_actions()
        self.refresh_overview()

    def refresh_overview(self) -> None:
        if self.learner_id is None:
            return
        learner_id = self.learner_id
        self._overview_loader.run(load_overview, self.store, learner_id,
                                  on_done=lambda o: self._show_overview(learner_id, o),
                                  on_error=self.banner.show_error)

    @property
    def busy(self) -> bool:
        """Something is still loading (learner list, learner page, visit, coverage)."""
        return (self.learner_model.loading or self._overview_loader.busy or self.visit_screen.busy
                or (self.coverage_dialog is not None and self.coverage_dialog.view.busy))

    def _show_overview(self, learner_id: int, overview: Overview) -> None:
        if learner_id != self.learner_id:
            return  # the user moved on while it loaded
        self.overview = overview
        lr = overview.learner
        lm = f" · LM: {lr.line_manager}" if lr.line_manager else ""
        employer = f" · {lr.employer}" if lr.employer else ""
        c = overview.coverage.counts
        self.learner_heading.setText(
            f"<span style='font-size:large'><b>{lr.name}</b></span> · {lr.registration}"
            f"{employer}{lm}<br>{c.met} of {c.total} criteria met · {c.evidenced} more evidenced")
        self.units_model.set_units(overview.coverage.units, overview.signoffs)
        self.act_history.setEnabled(bool(overview.coverage.units))
        self._fit_units_table()
        self.visits_model.set_visits(overview.visits)
        if not overview.coverage.units:
            self.banner.show_message("Not enrolled on any unit yet: use Enrol on unit… "
                                     "(Ctrl+Shift+E).", "info")
        elif self.banner.kind == "info":
            self.banner.dismiss()
        self.overview_loaded.emit(learner_id)

    def _build_overview_actions(self) -> None:
        """The learner page's sign-off history and the Units menu (kept apart from
        `_build_actions`, which holds the visit screen's actions)."""
        self.act_history = self._action("Sign-offs and &ERS…", "Ctrl+Shift+H",
                                        self._history_selected,
                                        "Sign-off history and ERS of the selected unit")
        self.act_history.setEnabled(False)
        self.act_unit_library = self._action("Unit &library…", "Ctrl+L", self.open_unit_library,
                                             "Browse and import unit specifications")
        mb = self.menuBar()
        menus = {a.text().replace("&", ""): a for a in mb.actions()}
        learner_menu = menus["Learner"].menu()
        after = learner_menu.actions()[learner_menu.actions().index(self.act_signoff) + 1:]
        learner_menu.insertAction(after[0] if after else None, self.act_history)
        self.units_menu = QMenu("&Units", self)
        self.units_menu.addAction(self.act_unit_library)
        mb.insertMenu(menus["Help"], self.units_menu)
        self.history_button.setToolTip(self.act_history.toolTip())
        self.history_button.clicked.connect(self._history_selected)
        self.act_history.enabledChanged.connect(self.history_button.setEnabled)
        self.history_button.setEnabled(False)

    def _fit_units_table(self) -> None:
        # As tall as its rows (the visits list below takes the rest), between 2 and 8 rows.
        rows = min(max(self.units_model.rowCount(), 2), 8)
        height = (self.units_table.horizontalHeader().height()
                  + rows * self.units_table.verticalHeader().defaultSectionSize()
                  + 2 * self.units_table.frameWidth() + 2)
        self.units_table.setFixedHeight(height)

    def _coverage_changed(self, learner_id: int) -> None:
        self.refresh_overview()
        self.learner_model.refresh()
        if self.coverage_dialog is not None and self.coverage_dialog.isVisible():
            self.coverage_dialog.view.load(learner_id)

    def new_learner(self) -> None:
        dialog = NewLearnerDialog(self.store, self)
        if dialog.exec() and dialog.learner_id is not None:
            self.search.clear()
            self.select_learner(dialog.learner_id)
            self.learner_model.refresh()
            self.enrol()

    def enrol(self) -> None:
        if self.learner_id is None:
            return
        dialog = EnrolDialog(self.store, self.learner_id, self)
        if dialog.exec():
            self.refresh_overview()
            self.learner_model.refresh()

    # -- visits ------------------------------------------------------------------------------
    def start_visit(self) -> None:
        if self.learner_id is None:
            return
        self.visit_screen.flush()
        running = current_visit(self.store, self.learner_id)
        if running is not None:  # carry on with the visit already in progress
            self.open_visit(running.id)
            return
        try:
            visit = start_visit(self.store, self.learner_id)
        except EvidenceError as exc:
            show_error(self, "Cannot start the visit", exc)
            return
        self.open_visit(visit.id)
        self.refresh_overview()

    def _open_visit_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_visit(int(index.data(VISIT_ID_ROLE)))

    def open_visit(self, visit_id: int) -> None:
        assert self.learner_id is not None
        self.visit_screen.open_visit(self.learner_id, visit_id)
        self.pages.setCurrentWidget(self.visit_screen)
        self.visit_screen.focus_list()

    def show_learner_page(self) -> None:
        self.visit_screen.flush()
        if self.pages.currentWidget() is not self.main_split:
            self.pages.setCurrentWidget(self.main_split)
            self.refresh_overview()

    def close_visit(self, visit_id: int) -> None:
        self.visit_screen.flush()
        dialog = CloseVisitDialog(self.store, visit_id, self._push, self,
                                  autosave_ms=self.settings.autosave_delay_ms)
        self._close_dialog = dialog  # reachable from tests while it is open
        if dialog.exec():
            self.status_label.setText("Visit closed. Its criteria for next time are planned.")
            self.show_learner_page()
            self.refresh_overview()

    def _push(self, edit: Edit) -> None:
        push_edit(self.undo_stack, self.store, edit,
                  lambda _e: self.refresh_overview(), self.banner.show_error)

    def undo(self) -> None:
        # Typing not yet saved becomes an undo step first, so Ctrl+Z takes back what was typed.
        self.visit_screen.flush()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.visit_screen.flush()
        self.undo_stack.redo()

    def assessor_name(self) -> str:
        """This laptop's setting, else the name recorded with the database (e.g. by the demo)."""
        return self.settings.assessor_name or get_setting(self.store, "assessor_name")

    # -- coverage / sign-off / sync ------------------------------------------------------------
    def show_coverage(self) -> None:
        if self.learner_id is None:
            return
        self.visit_screen.flush()
        if self.coverage_dialog is None:
            view = CoverageView(self.store, self._push_judgement, self.assessor_name)
            view.judged.connect(lambda lid: (self.refresh_overview(),
                                             self.visit_screen.refresh_coverage()
                                             if self.visit_screen.learner_id == lid else None))
            self.coverage_dialog = CoverageDialog(view, self)
        self.coverage_dialog.view.load(self.learner_id)
        current = self.visit_screen.picker.current_criterion_id()
        if current is not None and self.pages.currentWidget() is self.visit_screen:
            self.coverage_dialog.view.select_criterion(current)
        self.coverage_dialog.show()
        self.coverage_dialog.raise_()
        self.coverage_dialog.activateWindow()

    def _push_judgement(self, edit: Edit) -> None:
        def refresh(_e: Edit) -> None:
            self.refresh_overview()
            if self.coverage_dialog is not None and self.learner_id is not None:
                self.coverage_dialog.view.load(self.learner_id)
            if self.visit_screen.learner_id is not None:
                self.visit_screen.refresh_coverage()

        push_edit(self.undo_stack, self.store, edit, refresh, self.banner.show_error)

    def _signoff_selected(self) -> None:
        if self.learner_id is None:
            return
        index = self.units_table.currentIndex()
        units = self.units_model.units()
        if index.isValid():
            unit_id = int(index.data(UNIT_ID_ROLE))
        elif len(units) == 1:
            unit_id = units[0].unit_id
        else:
            show_error(self, "Sign off unit", "Select the unit to sign off in the Units list "
                       "first.")
            return
        self.open_signoff(self.learner_id, unit_id)

    def open_signoff(self, learner_id: int, unit_id: int) -> SignOffDialog | None:
        """The sign-off dialog for the learner's enrolled version of the unit."""
        self.visit_screen.flush()  # sign what was typed, not what was saved a moment ago
        unit = next((u for u in self.units_model.units() if u.unit_id == unit_id), None)
        if unit is None:
            show_error(self, "Sign off unit", "The learner is not enrolled on that unit.")
            return None
        dialog = SignOffDialog(self.store, learner_id, unit.version_id,
                               assessor_name=self.assessor_name(), parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.filed.connect(self._ers_filed)
        dialog.open()
        return dialog

    def _ers_filed(self, _document_id: int) -> None:
        self.sync.refresh(sync_if_online=True)
        self.refresh_overview()

    def _selected_unit_id(self, purpose: str) -> int | None:
        index = self.units_table.currentIndex()
        units = self.units_model.units()
        if index.isValid():
            return int(index.data(UNIT_ID_ROLE))
        if len(units) == 1:
            return units[0].unit_id
        show_error(self, purpose, "Select a unit in the Units list first.")
        return None

    def _unit_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid() and index.column() == SIGNOFF_COLUMN and self.learner_id is not None:
            self.open_signoff_history(self.learner_id, int(index.data(UNIT_ID_ROLE)))

    def _history_selected(self) -> None:
        if self.learner_id is None:
            return
        unit_id = self._selected_unit_id("Sign-offs and ERS")
        if unit_id is not None:
            self.open_signoff_history(self.learner_id, unit_id)

    def open_signoff_history(self, learner_id: int, unit_id: int) -> SignOffHistoryDialog | None:
        """Every sign-off of the learner's unit (void and superseded too), with its ERS."""
        self.visit_screen.flush()
        unit = next((u for u in self.units_model.units() if u.unit_id == unit_id), None)
        if unit is None:
            show_error(self, "Sign-offs and ERS", "The learner is not enrolled on that unit.")
            return None
        dialog = SignOffHistoryDialog(self.store, learner_id, unit_id,
                                      f"{unit.reference} {unit.title}", self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.history_dialog = dialog  # reachable from tests while it is open
        dialog.open()
        return dialog

    def open_unit_library(self) -> UnitLibraryDialog:
        """Browse every unit in the database and import new specifications."""
        dialog = UnitLibraryDialog(self.store, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(lambda _refs: self.refresh_overview())
        self.unit_library = dialog  # reachable from tests while it is open
        dialog.open()
        return dialog

    # -- help --------------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        rows = []
        for menu_action in self.menuBar().actions():
            menu = menu_action.menu()
            for a in menu.actions() if menu else []:
                keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                                 for k in a.shortcuts())
                if keys and not a.isSeparator():
                    rows.append(f"<tr><td>{a.text().replace('&', '')}</td>"
                                f"<td>&nbsp;&nbsp;<b>{keys}</b></td></tr>")
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts",
                          "<table>" + "".join(rows) + "</table>", QMessageBox.StandardButton.Ok,
                          self)
        box.open()

    def open_settings(self) -> None:
        from assessor_app.gui.settings_dialog import SettingsDialog

        SettingsDialog(self.settings, self).exec()

    # -- state -------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        s = self.settings
        if not s.window_geometry.isEmpty():
            self.restoreGeometry(s.window_geometry)
        else:
            self.resize(1280, 760)
        if not s.window_state.isEmpty():
            self.restoreState(s.window_state)
        if not s.main_splitter.isEmpty():
            self.main_split.restoreState(s.main_splitter)
        if not s.visit_splitter.isEmpty():
            self.visit_screen.splitter.restoreState(s.visit_splitter)

    def save_state(self) -> None:
        s = self.settings
        s.window_geometry = self.saveGeometry()
        s.window_state = self.saveState()
        s.main_splitter = self.main_split.saveState()
        s.visit_splitter = self.visit_screen.splitter.saveState()
        if self.learner_id is not None:
            s.last_learner_id = self.learner_id
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.visit_screen.flush()  # nothing typed is lost on close
        self.save_state()
        self.sync.shutdown()
        cancel_all()
        super().closeEvent(event)
