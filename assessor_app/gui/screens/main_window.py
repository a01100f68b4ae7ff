"""Main window: learner list with search (left), the learner's units, progress and visits
(right), the visit screen (a second page), menus with every shortcut, and the status bar with
the sync indicator. Sign-off opens the sign-off dialog for the selected unit.

The learner page's right-hand side is built and filled in `learner_overview`; the actions, menus
and F1 shortcuts table in `main_actions`. This module holds the window and what its commands do.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from assessor_app.evidence.edits import Edit
from assessor_app.evidence.errors import EvidenceError
from assessor_app.evidence.visits import current_visit, start_visit
from assessor_app.gui.dialogs.close_visit_dialog import CloseVisitDialog
from assessor_app.gui.dialogs.learner_dialogs import EnrolDialog, NewLearnerDialog
from assessor_app.gui.dialogs.signoff_dialog import SignOffDialog
from assessor_app.gui.dialogs.signoff_history_dialog import SignOffHistoryDialog
from assessor_app.gui.dialogs.unit_library import UnitLibraryDialog
from assessor_app.gui.models.learner_list_model import LEARNER_ID_ROLE, LearnerListModel
from assessor_app.gui.models.overview_models import SIGNOFF_COLUMN, UNIT_ID_ROLE, VISIT_ID_ROLE
from assessor_app.gui.screens.coverage_view import CoverageDialog, CoverageView
from assessor_app.gui.screens.learner_overview import (
    build_overview_panel,
    show_overview,
)
from assessor_app.gui.screens.main_actions import (
    build_actions,
    build_overview_actions,
    show_shortcuts_table,
    update_actions,
)
from assessor_app.gui.screens.sync_status import SyncController
from assessor_app.gui.screens.visit_screen import VisitScreen
from assessor_app.gui.support.messages import show_error
from assessor_app.gui.support.settings import AppSettings
from assessor_app.gui.support.undo import push_edit
from assessor_app.gui.support.workers import Loader, cancel_all
from assessor_app.signoff.queries import Overview, learner_overview
from assessor_app.store import Store
from assessor_app.store.settings import get_setting

log = logging.getLogger(__name__)


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
        build_overview_panel(self)
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
        build_actions(self)
        build_overview_actions(self)
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

    def _update_actions(self, *_: object) -> None:
        """Enable the actions that fit the page shown and whether a learner is chosen."""
        update_actions(self)

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
        self._overview_loader.run(learner_overview, self.store, learner_id,
                                  on_done=lambda o: show_overview(self, learner_id, o),
                                  on_error=self.banner.show_error)

    @property
    def busy(self) -> bool:
        """Something is still loading (learner list, learner page, visit, coverage)."""
        return (self.learner_model.loading or self._overview_loader.busy or self.visit_screen.busy
                or (self.coverage_dialog is not None and self.coverage_dialog.view.busy))

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
        show_shortcuts_table(self)

    def open_settings(self) -> None:
        from assessor_app.gui.dialogs.settings_dialog import SettingsDialog

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
