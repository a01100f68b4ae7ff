"""Main window: the learner list with search (`LearnerPanel`, left), the learner's units,
progress and visits (`OverviewPanel`, right), the visit screen (a second page), the menus with
every shortcut (`MainActions`) and the status bar with the sync indicator (`SyncController`).

The parts talk to the window by signals and it answers through their public methods; this
module holds what the window's commands do: choose a learner, open a visit, open the dialogs,
and refresh the parts from what the core reports changed.

The window can be built before its database is open (`MainWindow(None)`, then `attach_store`):
the desktop app shows it first, with "Opening records…", and opens the store in the background
(`gui.support.store_opening`). So this module and what it imports at the top level must not
import the ORM; the parts that need the store (sync, backup note) are built in `attach_store`,
and the visit page, with the ORM, when a command first needs it (`gui.screens.visit_page`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QStackedWidget

from assessor_app.evidence.edits import Edit
from assessor_app.gui.screens.learner_overview import OverviewPanel
from assessor_app.gui.screens.learner_panel import LearnerPanel
from assessor_app.gui.screens.main_actions import MainActions
from assessor_app.gui.screens.visit_page import VisitPageGate, build_visit_page
from assessor_app.gui.screens.window_state import restore_window_state, save_window_state
from assessor_app.gui.support.activation import skip_activation_repaints_in
from assessor_app.gui.support.fit import scrolling
from assessor_app.gui.support.heap import freeze_long_lived
from assessor_app.gui.support.messages import show_error
from assessor_app.gui.support.profile_copy import ProfileCopy
from assessor_app.gui.support.settings import AppSettings
from assessor_app.gui.support.undo import push_edit
from assessor_app.gui.support.workers import Loader, cancel_all

if TYPE_CHECKING:
    # Imported where first opened: the sign-off dialog brings PDF signing and rendering (pyHanko,
    # ReportLab), which the first window must not wait for.
    from assessor_app.evidence.learner_list import LearnerSummary
    from assessor_app.gui.dialogs.signoff_dialog import SignOffDialog
    from assessor_app.gui.dialogs.signoff_history_dialog import SignOffHistoryDialog
    from assessor_app.gui.dialogs.spec_review_dialog import SpecReviewDialog
    from assessor_app.gui.dialogs.unit_library import UnitLibraryDialog
    from assessor_app.gui.screens.coverage_view import CoverageDialog
    from assessor_app.gui.screens.sync_status import SyncController
    from assessor_app.gui.screens.visit_screen import VisitScreen
    from assessor_app.gui.support.error_boundary import WaitNotifier
    from assessor_app.gui.widgets.backup_warning import BackupWarning
    from assessor_app.signoff.queries import Overview
    from assessor_app.store import Store
    from assessor_app.store.models import Visit

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    overview_loaded = Signal(int)  # learner id, after the right-hand side has been filled

    def __init__(self, store: Store | None = None, settings: AppSettings | None = None) -> None:
        super().__init__()
        self.store: Store = None  # type: ignore[assignment] - set by attach_store
        self.settings = settings or AppSettings()
        self.setWindowTitle("Assessor companion")
        self.setObjectName("mainWindow")
        self.learner_id: int | None = None
        self.undo_stack = QUndoStack(self)
        self.coverage_dialog: CoverageDialog | None = None
        self._overview_loader = Loader(self)
        self._visit_job = Loader(self)  # starts, or reads for closing, a visit: one at a time
        self.profile = ProfileCopy(self, self.show_error)  # read on a worker, not per dialog
        self.attached = False  # the database is open and the parts that read it built
        self.visit_gate = VisitPageGate(self)  # commands that need the visit page (and ORM)
        # Built by attach_store, once the database is open (the visit page maybe later):
        self.visit_screen: VisitScreen = None  # type: ignore[assignment]
        self.sync: SyncController = None  # type: ignore[assignment]
        self.wait_notifier: WaitNotifier | None = None
        self.backup_warning: BackupWarning | None = None

        self.learner_panel = LearnerPanel(None, self.settings.last_learner_id)
        self.overview_panel = OverviewPanel()
        self.main_split = QSplitter(Qt.Orientation.Horizontal)
        self.main_split.setChildrenCollapsible(False)
        self.main_split.addWidget(self.learner_panel)
        self.main_split.addWidget(self.overview_panel)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([280, 900])
        self.pages = QStackedWidget()
        self.pages.addWidget(self.main_split)
        # Scrolls only on a screen smaller than its panes need (1366×768 at 2× is 683×384).
        self.setCentralWidget(scrolling(self.pages))
        self.status_label = QLabel("Ready" if store is not None else "Opening records…")
        self.statusBar().addWidget(self.status_label, 1)

        self.main_actions = MainActions(self, self, None, self.undo_stack)
        p = self.overview_panel
        self.main_actions.bind_overview_buttons(
            p.start_button, p.coverage_button, p.signoff_button, p.history_button,
            p.enrol_button, self.learner_panel.new_learner_button)
        self._connect_parts()
        restore_window_state(self)
        if store is not None:
            self.attach_store(store)

    def attach_store(self, store: Store, learners: list[LearnerSummary] | None = None, *,
                     visit_page: bool = True) -> None:
        """The database is open: build the parts that work on it ("Waiting…" notices, backup
        note, sync; the visit page now or, `visit_page=False`, when first needed) and list the
        learners (`learners`: already read with the store, else read now)."""
        from assessor_app.gui.screens.sync_status import SyncController
        from assessor_app.gui.support.error_boundary import WaitNotifier
        from assessor_app.gui.widgets.backup_warning import BackupWarning

        self.store = store
        self.attached = True
        if visit_page:
            build_visit_page(self)
        self.main_actions.set_store_ready(True)
        self.wait_notifier = WaitNotifier(store, self)  # "Waiting for … to finish saving…"
        self.wait_notifier.changed.connect(self._show_waiting)
        self.backup_warning = BackupWarning(store, self)
        self.statusBar().addPermanentWidget(self.backup_warning)
        self.sync = SyncController(store, self, gate=self.when_open)
        self.sync.install(self, menu=self.main_actions.file_menu)
        if self.status_label.text() == "Opening records…":
            self.status_label.setText("Ready")
        if self.learner_panel.learner_model.store is not store:  # else listed already
            self.show_learners(store, learners)
        self.update_actions()
        self.refresh_overview()  # a learner chosen before the parts were built
        freeze_long_lived()  # start-up's objects out of the collector's full passes

    def when_open(self, command: Callable[[], object]) -> None:
        """Run `command` (it needs the visit page or the ORM) once the visit page is built."""
        self.visit_gate.run(command)

    def show_learners(self, store: Store, learners: list[LearnerSummary] | None = None) -> None:
        """The database is open (the ORM not loaded yet): list its learners. `attach_store`
        follows with the parts that work on it; the learner's page waits for that."""
        self.store = store
        self.learner_panel.set_store(store, learners)
        self.refresh_profile()
        skip_activation_repaints_in(self)  # a dialog opening must not repaint every list

    def opening_failed(self) -> None:
        """The database could not be opened (a dialog says why): the window says so too."""
        self.status_label.setText("The records could not be opened.")
        self.learner_panel.opening_failed()

    def _connect_parts(self) -> None:
        self.learner_panel.learner_chosen.connect(self.select_learner)
        self.learner_panel.failed.connect(self.show_error)
        self.overview_panel.visit_activated.connect(
            lambda visit_id: self.when_open(lambda: self.open_visit(visit_id)))
        self.overview_panel.signoff_cell_activated.connect(
            lambda unit_id: self.when_open(lambda: self._signoff_cell_activated(unit_id)))
        self.overview_panel.has_units_changed.connect(self.main_actions.act_history.setEnabled)
        self.pages.currentChanged.connect(self.update_actions)

    def update_actions(self, *_: object) -> None:
        """Enable the actions that fit the page shown and whether a learner is chosen."""
        in_visit = self.visit_screen is not None and self.pages.currentWidget() is self.visit_screen
        self.main_actions.update(in_visit=in_visit,
                                 has_learner=self.attached and self.learner_id is not None)

    # -- what the other parts use ------------------------------------------------------------
    @property
    def overview(self) -> Overview | None:
        """The learner page as last read (None until the first read finishes)."""
        return self.overview_panel.overview

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def _show_waiting(self, message: str) -> None:
        if message:
            self.statusBar().showMessage(message)
        else:
            self.statusBar().clearMessage()

    def show_error(self, message: str) -> None:
        self.overview_panel.banner.show_error(message)

    def refresh_learners(self) -> None:
        self.learner_panel.refresh()

    # -- learners ----------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.show_learner_page()
        self.learner_panel.focus_search()

    def select_learner(self, learner_id: int) -> None:
        if learner_id != self.learner_id:
            self.undo_stack.clear()  # undo history belongs to one learner's session
        self.learner_id = learner_id
        self.learner_panel.mark_chosen(learner_id)
        self.settings.last_learner_id = learner_id
        self.update_actions()
        self.refresh_overview()

    def refresh_overview(self) -> None:
        if self.learner_id is None or not self.attached:
            return  # read once the store is attached (attach_store)
        from assessor_app.signoff.queries import learner_overview

        learner_id = self.learner_id
        self._overview_loader.run(learner_overview, self.store, learner_id,
                                  on_done=lambda o: self._show_overview(learner_id, o),
                                  on_error=self.show_error)

    def _show_overview(self, learner_id: int, overview: Overview) -> None:
        if learner_id != self.learner_id:
            return  # the user moved on while it loaded
        self.overview_panel.show_overview(overview)
        self.overview_loaded.emit(learner_id)

    @property
    def busy(self) -> bool:
        """Something is still loading (learner list, learner page, visit, coverage)."""
        return (self.learner_panel.busy or self._overview_loader.busy
                or self.profile.busy or self._visit_job.busy or not self.attached
                or self.visit_gate.busy or (self.visit_screen is not None
                                            and self.visit_screen.busy)
                or (self.coverage_dialog is not None and self.coverage_dialog.view.busy))

    def coverage_changed(self, learner_id: int) -> None:
        self.refresh_overview()
        self.learner_panel.refresh()
        if self.coverage_dialog is not None and self.coverage_dialog.isVisible():
            self.coverage_dialog.view.load(learner_id)

    def new_learner(self) -> None:
        from assessor_app.gui.dialogs.learner_dialogs import NewLearnerDialog

        dialog = NewLearnerDialog(self.store, self)
        if dialog.exec() and dialog.learner_id is not None:
            self.learner_panel.clear_search()
            self.select_learner(dialog.learner_id)
            self.learner_panel.refresh()
            self.enrol()

    def enrol(self) -> None:
        if self.learner_id is None:
            return
        from assessor_app.gui.dialogs.learner_dialogs import EnrolDialog

        dialog = EnrolDialog(self.store, self.learner_id, self)
        if dialog.exec():
            self.refresh_overview()
            self.learner_panel.refresh()

    # -- visits ------------------------------------------------------------------------------
    def start_visit(self) -> None:
        """Carry on with the visit in progress, else start today's (on a worker)."""
        if self.learner_id is None or self._visit_job.busy:
            return
        from assessor_app.evidence.visits import resume_or_start_visit

        self.visit_screen.flush()
        learner_id = self.learner_id

        def started(result: tuple[Visit, bool]) -> None:
            visit, new = result
            if learner_id == self.learner_id:
                self.open_visit(visit.id)
                if new:
                    self.refresh_overview()

        self._visit_job.run(resume_or_start_visit, self.store, learner_id, on_done=started,
                                on_error=lambda m: show_error(self, "Cannot start the visit", m))

    def open_visit(self, visit_id: int) -> None:
        assert self.learner_id is not None
        if self.visit_screen is None:  # built first, its modules loaded off the UI thread
            self.when_open(lambda: self.open_visit(visit_id))
            return
        self.visit_screen.open_visit(self.learner_id, visit_id)
        self.pages.setCurrentWidget(self.visit_screen)
        self.visit_screen.focus_list()

    def show_learner_page(self) -> None:
        if self.visit_screen is not None:
            self.visit_screen.flush()
        if self.pages.currentWidget() is not self.main_split:
            self.pages.setCurrentWidget(self.main_split)
            self.refresh_overview()

    def close_current_visit(self) -> None:
        if self.visit_screen.visit_id:
            self.close_visit(self.visit_screen.visit_id)

    def close_visit(self, visit_id: int) -> None:
        self.visit_screen.flush()
        from assessor_app.gui.dialogs.close_visit_dialog import ask_to_close_visit

        ask_to_close_visit(self._visit_job, self.store, visit_id, self._push,
                           autosave_ms=self.settings.autosave_delay_ms,
                           on_closed=self._visit_closed)

    def _visit_closed(self) -> None:
        self.show_status("Visit closed. Its criteria for next time are planned.")
        self.show_learner_page()
        self.refresh_overview()

    def _push(self, edit: Edit) -> None:
        push_edit(self.undo_stack, self.store, edit,
                  lambda _e: self.refresh_overview(), self.show_error)

    def undo(self) -> None:
        # Typing not yet saved becomes an undo step first, so Ctrl+Z takes back what was typed.
        self.visit_screen.flush()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.visit_screen.flush()
        self.undo_stack.redo()

    def refresh_profile(self) -> None:
        """Read the assessor's profile again (on a worker): at start and after it was saved."""
        if self.store is not None:
            self.profile.refresh(self.store)

    def assessor_name(self) -> str:
        """The assessor set up for this database (first-run set-up or Settings), else the
        older per-laptop setting; from the window's copy of the profile (no database read)."""
        return self.profile.assessor_name or self.settings.assessor_name

    # -- coverage / sign-off / sync ------------------------------------------------------------
    def show_coverage(self) -> None:
        if self.learner_id is None:
            return
        self.visit_screen.flush()
        if self.coverage_dialog is None:
            from assessor_app.gui.screens.coverage_view import CoverageDialog, CoverageView

            view = CoverageView(self.store, self._push_judgement, self.assessor_name)
            view.judged.connect(lambda lid: (self.refresh_overview(),
                                             self.visit_screen.refresh_coverage()
                                             if self.visit_screen.learner_id == lid else None))
            self.coverage_dialog = CoverageDialog(view, self, undo=self.undo, redo=self.redo)
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

        push_edit(self.undo_stack, self.store, edit, refresh, self.show_error)

    def _selected_unit_id(self, purpose: str, hint: str) -> int | None:
        unit_id = self.overview_panel.selected_unit_id()
        if unit_id is None:
            show_error(self, purpose, hint)
        return unit_id

    def signoff_selected(self) -> None:
        if self.learner_id is None:
            return
        unit_id = self._selected_unit_id(
            "Sign off unit", "Select the unit to sign off in the Units list first.")
        if unit_id is not None:
            self.open_signoff(self.learner_id, unit_id)

    def open_signoff(self, learner_id: int, unit_id: int) -> SignOffDialog | None:
        """The sign-off dialog for the learner's enrolled version of the unit."""
        self.visit_screen.flush()  # sign what was typed, not what was saved a moment ago
        unit = self.overview_panel.unit(unit_id)
        if unit is None:
            show_error(self, "Sign off unit", "The learner is not enrolled on that unit.")
            return None
        from assessor_app.gui.dialogs.signoff_dialog import SignOffDialog

        dialog = SignOffDialog(self.store, learner_id, unit.version_id,
                               assessor_name=self.assessor_name(), parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.filed.connect(self._ers_filed)
        dialog.open()
        return dialog

    def _ers_filed(self, _document_id: int) -> None:
        self.sync.refresh(sync_if_online=True)
        self.refresh_overview()

    def _signoff_cell_activated(self, unit_id: int) -> None:
        if self.learner_id is not None:
            self.open_signoff_history(self.learner_id, unit_id)

    def history_selected(self) -> None:
        if self.learner_id is None:
            return
        unit_id = self._selected_unit_id("Sign-offs and ERS",
                                         "Select a unit in the Units list first.")
        if unit_id is not None:
            self.open_signoff_history(self.learner_id, unit_id)

    def open_signoff_history(self, learner_id: int, unit_id: int) -> SignOffHistoryDialog | None:
        """Every sign-off of the learner's unit (void and superseded too), with its ERS."""
        self.visit_screen.flush()
        unit = self.overview_panel.unit(unit_id)
        if unit is None:
            show_error(self, "Sign-offs and ERS", "The learner is not enrolled on that unit.")
            return None
        from assessor_app.gui.dialogs.signoff_history_dialog import SignOffHistoryDialog

        dialog = SignOffHistoryDialog(self.store, learner_id, unit_id,
                                      f"{unit.reference} {unit.title}", self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_unit_library(self) -> UnitLibraryDialog:
        """Browse every unit in the database and import new specifications."""
        from assessor_app.gui.dialogs.unit_library import UnitLibraryDialog

        dialog = UnitLibraryDialog(self.store, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(lambda _refs: self.refresh_overview())
        dialog.open()
        return dialog

    def import_unit_spec(self) -> SpecReviewDialog | None:
        """Units → Import…: review a unit PDF, handbook or text, then import it."""
        from assessor_app.gui.dialogs.spec_review_dialog import choose_and_review

        dialog = choose_and_review(self, self.store, self.assessor_name())
        if dialog is not None:
            dialog.imported.connect(lambda _refs: self.refresh_overview())
        return dialog

    # -- help --------------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        self.main_actions.show_shortcuts()

    def open_demo(self, on_open: Callable[[MainWindow], object] | None = None) -> None:
        """Help ▸ Open the demo: built (or found) in its own database beside this one, in the
        background, then shown in a second window titled DEMO; this store is left alone."""
        from assessor_app.gui.screens.demo_window import open_demo

        open_demo(self, MainWindow, on_open)

    def export_learner_data(self) -> None:
        from assessor_app.gui.dialogs.learner_rights import export_learner_data

        if self.overview is not None:
            export_learner_data(self, self.store, self.overview.learner.registration,
                                self.show_status)

    def erase_learner(self) -> None:
        from assessor_app.gui.dialogs.learner_rights import EraseLearnerDialog

        if self.overview is None:
            return
        learner = self.overview.learner
        dialog = EraseLearnerDialog(self.store, learner.registration, learner.name, self)
        if dialog.exec() and dialog.erased:
            self.learner_id = None
            self.settings.last_learner_id = 0
            self.refresh_learners()
            self.update_actions()
            self.show_status("The learner was erased.")

    def open_settings(self) -> None:
        from assessor_app.gui.dialogs.settings_dialog import SettingsDialog

        SettingsDialog(self.settings, self, self.store, profile=self.profile.profile).exec()
        self.refresh_profile()  # saved there, or by the set-up wizard it opens
        lock = getattr(self, "app_lock", None)
        if lock is not None:
            lock.set_idle_ms(max(0, self.settings.lock_idle_minutes) * 60_000)
        if self.backup_warning is not None:
            self.backup_warning.refresh()

    # -- state -------------------------------------------------------------------------------
    def save_state(self) -> None:
        save_window_state(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.visit_screen is not None:
            self.visit_screen.flush()  # nothing typed is lost on close
        self.save_state()
        if self.sync is not None:
            self.sync.shutdown()
        cancel_all()
        if self.wait_notifier is not None:
            self.wait_notifier.detach()
        super().closeEvent(event)
