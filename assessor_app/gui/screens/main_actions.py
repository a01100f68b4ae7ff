"""The main window's actions and menus (`MainActions`): every QAction with its shortcut and
tooltip, the menu bar (File, Edit, Learner, Visit, Units, Help), the buttons that mirror an
action, which actions are enabled on which page, and the F1 table of keyboard shortcuts.

The actions call the window's public commands, named by the `MainCommands` protocol, so this
module does not import the window (no import cycle) and touches nothing private of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QAbstractButton, QMainWindow, QMenu, QMenuBar, QMessageBox

if TYPE_CHECKING:  # built later than the menus (see `attach_visit_screen`)
    from assessor_app.gui.screens.visit_screen import VisitScreen


class MainCommands(Protocol):
    """What the menus can ask the main window to do."""

    def new_learner(self) -> None: ...
    def enrol(self) -> None: ...
    def open_settings(self) -> None: ...
    def open_demo(self) -> None: ...
    def undo(self) -> None: ...
    def redo(self) -> None: ...
    def focus_search(self) -> None: ...
    def start_visit(self) -> None: ...
    def show_coverage(self) -> None: ...
    def signoff_selected(self) -> None: ...
    def history_selected(self) -> None: ...
    def open_unit_library(self) -> object: ...
    def import_unit_spec(self) -> object: ...
    def close_current_visit(self) -> None: ...
    def show_learner_page(self) -> None: ...
    def export_learner_data(self) -> None: ...
    def erase_learner(self) -> None: ...
    def when_open(self, command: Callable[[], object]) -> None: ...


def shortcut_action(owner: QMainWindow, text: str,
                    shortcut: str | QKeySequence.StandardKey | list[str] | None,
                    slot: Callable[..., object], tip: str = "") -> QAction:
    """An action on the window (so its shortcut works from every page), tooltip naming the keys."""
    action = QAction(text, owner)
    if isinstance(shortcut, list):
        action.setShortcuts([QKeySequence(s) for s in shortcut])
    elif shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    label = tip or text.replace("&", "").rstrip("…")
    action.setToolTip(f"{label} ({keys})" if keys else label)
    action.setStatusTip(action.toolTip())
    action.triggered.connect(slot)
    owner.addAction(action)  # shortcuts work from every page
    return action


def bind_button(button: QAbstractButton, action: QAction) -> None:
    """The button does what the action does, says so in its tooltip, and is enabled with it."""
    button.setToolTip(action.toolTip())
    button.clicked.connect(action.trigger)
    action.enabledChanged.connect(button.setEnabled)
    button.setEnabled(action.isEnabled())


class MainActions(QObject):
    def __init__(self, window: QMainWindow, commands: MainCommands,
                 visit_screen: VisitScreen | None, undo_stack: QUndoStack) -> None:
        super().__init__(window)
        self._window = window
        self._vs: VisitScreen | None = None
        self._build_general(commands, undo_stack)
        self._build_visit(commands)
        self._build_menus()
        self.update(in_visit=False, has_learner=False)
        self.act_history.setEnabled(False)
        self.set_store_ready(visit_screen is not None)
        if visit_screen is not None:
            self.attach_visit_screen(visit_screen)

    def set_store_ready(self, ready: bool) -> None:
        """The commands that need the database wait until it is open (the window shows
        first, while it opens)."""
        for a in (self.act_new_learner, self.act_settings, self.act_unit_library,
                  self.act_import_spec, self.act_demo):
            a.setEnabled(ready)

    def attach_visit_screen(self, vs: VisitScreen) -> None:
        """The visit page exists (it is built once the database is open): its actions act on it
        and its buttons name their shortcuts."""
        self._vs = vs
        vs.set_new_actions({"observation": self.act_new_obs, "questioning": self.act_new_qa,
                            "witness": self.act_new_wt, "product": self.act_new_pe,
                            "discussion": self.act_new_pd, "statement": self.act_new_ls})
        for button, action in ((vs.new_obs_button, self.act_new_obs),
                               (vs.new_qa_button, self.act_new_qa),
                               (vs.new_wt_button, self.act_new_wt),
                               (vs.attach_button, self.act_attach),
                               (vs.editor.add_question_button, self.act_add_q)):
            button.setToolTip(action.toolTip())

    def _on_visit(self, command: Callable[[VisitScreen], object]) -> Callable[[], None]:
        """A slot doing `command` on the visit page (its actions are enabled only there)."""
        def slot() -> None:
            if self._vs is not None:
                command(self._vs)

        return slot

    def _act(self, text: str, shortcut: str | QKeySequence.StandardKey | list[str] | None,
             slot: Callable[..., object], tip: str = "") -> QAction:
        return shortcut_action(self._window, text, shortcut, slot, tip)

    def _build_general(self, c: MainCommands, undo_stack: QUndoStack) -> None:
        def act(text: str, shortcut: str | QKeySequence.StandardKey | list[str] | None,
                command: Callable[[], object], tip: str = "") -> QAction:
            # These need the visit page or the ORM: run once it is loaded (`visit_page`).
            return self._act(text, shortcut, lambda: c.when_open(command), tip)

        self.act_new_learner = act("&New learner…", "Ctrl+Shift+L", c.new_learner)
        self.act_enrol = act("&Enrol on unit…", "Ctrl+Shift+E", c.enrol)
        self.act_settings = act("&Settings…", "Ctrl+,", c.open_settings)
        self.act_quit = self._act("&Quit", QKeySequence.StandardKey.Quit, self._window.close)
        self.act_undo = act("&Undo", "Ctrl+Z", c.undo)
        self.act_redo = act("&Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], c.redo)
        undo_stack.canUndoChanged.connect(self.act_undo.setEnabled)
        undo_stack.canRedoChanged.connect(self.act_redo.setEnabled)
        undo_stack.undoTextChanged.connect(lambda t: self.act_undo.setText(f"&Undo {t}".strip()))
        undo_stack.redoTextChanged.connect(lambda t: self.act_redo.setText(f"&Redo {t}".strip()))
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)
        self.act_find = self._act("&Find learner", "Ctrl+F", c.focus_search)
        self.act_start = act("&Start visit", "Ctrl+N", c.start_visit)
        self.act_coverage = act("&Coverage", "Ctrl+M", c.show_coverage, "Coverage matrix")
        self.act_signoff = act("Sign &off unit…", "Ctrl+Shift+S", c.signoff_selected)
        self.act_history = act("Sign-offs and &ERS…", "Ctrl+Shift+H", c.history_selected,
                               "Sign-off history and ERS of the selected unit")
        self.act_export_learner = act("E&xport learner's data…", None, c.export_learner_data,
                                      "Everything held about this learner, as a readable zip")
        self.act_erase_learner = act("&Erase learner…", None, c.erase_learner,
                                     "Erase this learner's data from this computer for good")
        self.act_unit_library = act("Unit &library…", "Ctrl+Shift+U", c.open_unit_library,
                                    "Browse and import unit specifications")
        self.act_import_spec = act("&Import unit specification…", None, c.import_unit_spec,
                                   "Review a unit PDF, handbook or text, then import it")
        self.act_shortcuts = self._act("&Keyboard shortcuts", "F1", self.show_shortcuts)
        self.act_demo = act("Open the &demo (separate practice database)", None, c.open_demo,
                            "A demo learner in a window and database of its own")

    def _build_visit(self, c: MainCommands) -> None:
        act, on = self._act, self._on_visit
        self.act_new_obs = act("New &observation", "Ctrl+Shift+O",
                               on(lambda vs: vs.new_evidence("observation")))
        self.act_new_qa = act("New &questioning", "Ctrl+Shift+Q",
                              on(lambda vs: vs.new_evidence("questioning")))
        self.act_new_wt = act("New &witness testimony", "Ctrl+Shift+W",
                              on(lambda vs: vs.new_evidence("witness")))
        self.act_new_pe = act("New product e&vidence", "Ctrl+Shift+P",
                              on(lambda vs: vs.new_evidence("product")))
        self.act_new_pd = act("New pro&fessional discussion", "Ctrl+Shift+D",
                              on(lambda vs: vs.new_evidence("discussion")))
        self.act_new_ls = act("New learner &statement", "Ctrl+Shift+T",
                              on(lambda vs: vs.new_evidence("statement")))
        self.act_add_q = act("&Add question", ["Ctrl+Return", "Ctrl+Enter"],
                             on(lambda vs: vs.add_question()))
        self.act_attach = act("A&ttach file…", "Ctrl+Shift+A", on(lambda vs: vs.choose_files()))
        self.act_delete = act("&Delete evidence", "Ctrl+Delete",
                              on(lambda vs: vs.delete_current()))
        self.act_filter = act("Filter &criteria", "Ctrl+K", on(lambda vs: vs.focus_picker()))
        self.act_next = act("&Next criterion", ["F8", "Ctrl+]"],
                            on(lambda vs: vs.step_criterion(1)))
        self.act_prev = act("&Previous criterion", ["Shift+F8", "Ctrl+["],
                            on(lambda vs: vs.step_criterion(-1)))
        self.act_tick = act("&Tick criterion", "Ctrl+T", on(lambda vs: vs.toggle_criterion()),
                            "Tick or untick the selected criterion")
        self.act_focus_list = act("Go to evidence &list", "Ctrl+1", on(lambda vs: vs.focus_list()))
        self.act_focus_editor = act("Go to &editor", "Ctrl+2", on(lambda vs: vs.focus_editor()))
        self.act_focus_picker = act("Go to c&riteria", "Ctrl+3",
                                    on(lambda vs: vs.focus_picker()))
        self.act_focus_reqs = act("Go to evidence req&uirements", "Ctrl+4",
                                  on(lambda vs: vs.focus_requirements()),
                                  "Go to the evidence requirements (Space ticks one)")
        self.act_close_visit = act("&Close visit…", "Ctrl+Shift+F", c.close_current_visit)
        self.act_back = act("&Back to learner", "Alt+Left", c.show_learner_page)

    def _build_menus(self) -> None:
        mb = self._window.menuBar()
        m = self.file_menu = mb.addMenu("&File")
        m.addActions([self.act_new_learner, self.act_enrol])
        m.addSeparator()
        m.addAction(self.act_settings)
        m.addSeparator()
        m.addAction(self.act_quit)
        mb.addMenu("&Edit").addActions([self.act_undo, self.act_redo])
        m = mb.addMenu("&Learner")
        m.addActions([self.act_find, self.act_start, self.act_coverage, self.act_signoff,
                      self.act_history])
        m.addSeparator()
        m.addActions([self.act_export_learner, self.act_erase_learner])
        m = mb.addMenu("&Visit")
        for group in ((self.act_new_obs, self.act_new_qa, self.act_new_wt, self.act_new_pe,
                       self.act_new_pd, self.act_new_ls),
                      (self.act_add_q, self.act_attach, self.act_delete),
                      (self.act_filter, self.act_next, self.act_prev, self.act_tick),
                      (self.act_focus_list, self.act_focus_editor, self.act_focus_picker,
                       self.act_focus_reqs),
                      (self.act_close_visit, self.act_back)):
            if m.actions():
                m.addSeparator()
            m.addActions(list(group))
        self.units_menu = QMenu("&Units", self._window)
        self.units_menu.addAction(self.act_unit_library)
        self.units_menu.addAction(self.act_import_spec)
        mb.addMenu(self.units_menu)
        help_menu = mb.addMenu("&Help")
        help_menu.addAction(self.act_shortcuts)
        help_menu.addAction(self.act_demo)

    def bind_overview_buttons(self, start: QAbstractButton, coverage: QAbstractButton,
                              signoff: QAbstractButton, history: QAbstractButton,
                              enrol: QAbstractButton, new_learner: QAbstractButton) -> None:
        for button, action in ((start, self.act_start), (coverage, self.act_coverage),
                               (signoff, self.act_signoff), (history, self.act_history),
                               (enrol, self.act_enrol), (new_learner, self.act_new_learner)):
            bind_button(button, action)

    def update(self, *, in_visit: bool, has_learner: bool) -> None:
        """Visit actions only on the visit page; learner actions only once a learner is chosen."""
        for a in (self.act_new_obs, self.act_new_qa, self.act_new_wt, self.act_new_pe,
                  self.act_new_pd, self.act_new_ls, self.act_add_q, self.act_attach,
                  self.act_delete, self.act_filter, self.act_next, self.act_prev, self.act_tick,
                  self.act_focus_list, self.act_focus_editor, self.act_focus_picker,
                  self.act_focus_reqs, self.act_close_visit, self.act_back):
            a.setEnabled(in_visit)
        for a in (self.act_start, self.act_coverage, self.act_signoff, self.act_enrol,
                  self.act_export_learner, self.act_erase_learner):
            a.setEnabled(has_learner)

    def show_shortcuts(self) -> None:
        """The F1 table: every menu action that has a shortcut, with its keys."""
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts",
                          shortcuts_table(self._window.menuBar()),
                          QMessageBox.StandardButton.Ok, self._window)
        box.open()


def shortcuts_table(menu_bar: QMenuBar) -> str:
    rows = []
    for menu_action in menu_bar.actions():
        menu = menu_action.menu()
        for a in menu.actions() if menu else []:
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                             for k in a.shortcuts())
            if keys and not a.isSeparator():
                rows.append(f"<tr><td>{a.text().replace('&', '')}</td>"
                            f"<td>&nbsp;&nbsp;<b>{keys}</b></td></tr>")
    return "<table>" + "".join(rows) + "</table>"

