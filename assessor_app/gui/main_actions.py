"""The main window's actions and menus: every QAction with its shortcut and tooltip, the menu
bar (File, Edit, Learner, Visit, Units, Help), the buttons that mirror an action, which actions
are enabled on which page, and the F1 table of keyboard shortcuts.

The functions set the actions on the window itself (`window.act_start`, `window.file_menu`, ...),
so the rest of the app and the tests reach them there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

if TYPE_CHECKING:
    from assessor_app.gui.main_window import MainWindow


def make_action(window: MainWindow, text: str,
                shortcut: str | QKeySequence.StandardKey | list[str] | None,
                slot: Callable[..., object], tip: str = "") -> QAction:
    """An action on the window (so its shortcut works from every page), tooltip naming the keys."""
    action = QAction(text, window)
    if isinstance(shortcut, list):
        action.setShortcuts([QKeySequence(s) for s in shortcut])
    elif shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    label = tip or text.replace("&", "").rstrip("…")
    action.setToolTip(f"{label} ({keys})" if keys else label)
    action.setStatusTip(action.toolTip())
    action.triggered.connect(slot)
    window.addAction(action)  # shortcuts work from every page
    return action


def build_actions(window: MainWindow) -> None:
    """Every action of the File, Edit, Learner, Visit and Help menus, the menus themselves and
    the buttons that share an action's tooltip and slot."""
    act = partial(make_action, window)
    vs = window.visit_screen
    window.act_new_learner = act("&New learner…", "Ctrl+Shift+L", window.new_learner)
    window.act_enrol = act("&Enrol on unit…", "Ctrl+Shift+E", window.enrol)
    window.act_settings = act("&Settings…", "Ctrl+,", window.open_settings)
    window.act_quit = act("&Quit", QKeySequence.StandardKey.Quit, window.close)
    window.act_undo = act("&Undo", "Ctrl+Z", window.undo)
    window.act_redo = act("&Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], window.redo)
    window.undo_stack.canUndoChanged.connect(window.act_undo.setEnabled)
    window.undo_stack.canRedoChanged.connect(window.act_redo.setEnabled)
    window.undo_stack.undoTextChanged.connect(
        lambda t: window.act_undo.setText(f"&Undo {t}".strip()))
    window.undo_stack.redoTextChanged.connect(
        lambda t: window.act_redo.setText(f"&Redo {t}".strip()))
    window.act_undo.setEnabled(False)
    window.act_redo.setEnabled(False)
    window.act_find = act("&Find learner", "Ctrl+F", window.focus_search)
    window.act_start = act("&Start visit", "Ctrl+N", window.start_visit)
    window.act_coverage = act("&Coverage", "Ctrl+M", window.show_coverage,
                              "Coverage matrix")
    window.act_signoff = act("Sign &off unit…", "Ctrl+Shift+S",
                             window._signoff_selected)
    window.act_new_obs = act("New &observation", "Ctrl+Shift+O",
                             lambda: vs.new_evidence("observation"))
    window.act_new_qa = act("New &questioning", "Ctrl+Shift+Q",
                            lambda: vs.new_evidence("questioning"))
    window.act_new_wt = act("New &witness testimony", "Ctrl+Shift+W",
                            lambda: vs.new_evidence("witness"))
    window.act_new_pe = act("New product e&vidence", "Ctrl+Shift+P",
                            lambda: vs.new_evidence("product"))
    window.act_new_pd = act("New pro&fessional discussion", "Ctrl+Shift+D",
                            lambda: vs.new_evidence("discussion"))
    window.act_new_ls = act("New learner &statement", "Ctrl+Shift+T",
                            lambda: vs.new_evidence("statement"))
    vs.set_new_actions({"observation": window.act_new_obs, "questioning": window.act_new_qa,
                        "witness": window.act_new_wt, "product": window.act_new_pe,
                        "discussion": window.act_new_pd, "statement": window.act_new_ls})
    window.act_add_q = act("&Add question", ["Ctrl+Return", "Ctrl+Enter"],
                           vs.add_question)
    window.act_attach = act("A&ttach file…", "Ctrl+Shift+A", vs.choose_files)
    window.act_delete = act("&Delete evidence", "Ctrl+Delete", vs.delete_current)
    window.act_filter = act("Filter &criteria", "Ctrl+K", vs.focus_picker)
    window.act_next = act("&Next criterion", ["F8", "Ctrl+]"],
                          lambda: vs.step_criterion(1))
    window.act_prev = act("&Previous criterion", ["Shift+F8", "Ctrl+["],
                          lambda: vs.step_criterion(-1))
    window.act_tick = act("&Tick criterion", "Ctrl+T", vs.toggle_criterion,
                          "Tick or untick the selected criterion")
    window.act_focus_list = act("Go to evidence &list", "Ctrl+1", vs.focus_list)
    window.act_focus_editor = act("Go to &editor", "Ctrl+2", vs.focus_editor)
    window.act_focus_picker = act("Go to c&riteria", "Ctrl+3", vs.focus_picker)
    window.act_focus_reqs = act("Go to evidence req&uirements", "Ctrl+4",
                                vs.focus_requirements,
                                "Go to the evidence requirements (Space ticks one)")
    # Only while a visit is open, like the other visit actions (see update_actions).
    visit_only = (window.act_new_pe, window.act_new_pd, window.act_new_ls, window.act_focus_reqs)

    def enable_visit_only(*_: object) -> None:
        for a in visit_only:
            a.setEnabled(window.pages.currentWidget() is vs)

    window.pages.currentChanged.connect(enable_visit_only)
    enable_visit_only()
    window.act_close_visit = act("&Close visit…", "Ctrl+Shift+F",
                                 lambda: vs.visit_id and window.close_visit(vs.visit_id))
    window.act_back = act("&Back to learner", "Alt+Left", window.show_learner_page)
    window.act_shortcuts = act("&Keyboard shortcuts", "F1", window.show_shortcuts)

    mb = window.menuBar()
    m = window.file_menu = mb.addMenu("&File")
    m.addActions([window.act_new_learner, window.act_enrol])
    m.addSeparator()
    m.addAction(window.act_settings)
    m.addSeparator()
    m.addAction(window.act_quit)
    m = mb.addMenu("&Edit")
    m.addActions([window.act_undo, window.act_redo])
    m = mb.addMenu("&Learner")
    m.addActions([window.act_find, window.act_start, window.act_coverage, window.act_signoff])
    m = mb.addMenu("&Visit")
    m.addActions([window.act_new_obs, window.act_new_qa, window.act_new_wt, window.act_new_pe,
                  window.act_new_pd, window.act_new_ls])
    m.addSeparator()
    m.addActions([window.act_add_q, window.act_attach, window.act_delete])
    m.addSeparator()
    m.addActions([window.act_filter, window.act_next, window.act_prev, window.act_tick])
    m.addSeparator()
    m.addActions([window.act_focus_list, window.act_focus_editor, window.act_focus_picker,
                  window.act_focus_reqs])
    m.addSeparator()
    m.addActions([window.act_close_visit, window.act_back])
    m = mb.addMenu("&Help")
    m.addAction(window.act_shortcuts)

    for button, action in ((window.start_button, window.act_start),
                           (window.coverage_button, window.act_coverage),
                           (window.signoff_button, window.act_signoff),
                           (window.enrol_button, window.act_enrol),
                           (window.new_learner_button, window.act_new_learner),
                           (vs.new_obs_button, window.act_new_obs),
                           (vs.new_qa_button, window.act_new_qa),
                           (vs.new_wt_button, window.act_new_wt),
                           (vs.attach_button, window.act_attach),
                           (vs.editor.add_question_button, window.act_add_q)):
        button.setToolTip(action.toolTip())
    window.start_button.clicked.connect(window.start_visit)
    window.coverage_button.clicked.connect(window.show_coverage)
    window.signoff_button.clicked.connect(window._signoff_selected)
    window.enrol_button.clicked.connect(window.enrol)
    window.new_learner_button.clicked.connect(window.new_learner)
    update_actions(window)


def update_actions(window: MainWindow, *_: object) -> None:
    """Visit actions only on the visit page; learner actions only once a learner is chosen."""
    in_visit = window.pages.currentWidget() is window.visit_screen
    has_learner = window.learner_id is not None
    for a in (window.act_new_obs, window.act_new_qa, window.act_new_wt, window.act_add_q,
              window.act_attach, window.act_delete, window.act_filter, window.act_next,
              window.act_prev, window.act_tick, window.act_focus_list, window.act_focus_editor,
              window.act_focus_picker, window.act_close_visit, window.act_back):
        a.setEnabled(in_visit)
    for a in (window.act_start, window.act_coverage, window.act_signoff, window.act_enrol):
        a.setEnabled(has_learner)
    for b, a in ((window.start_button, window.act_start),
                 (window.coverage_button, window.act_coverage),
                 (window.signoff_button, window.act_signoff),
                 (window.enrol_button, window.act_enrol)):
        b.setEnabled(a.isEnabled())


def build_overview_actions(window: MainWindow) -> None:
    """The learner page's sign-off history and the Units menu (kept apart from
    `build_actions`, which holds the visit screen's actions)."""
    act = partial(make_action, window)
    window.act_history = act("Sign-offs and &ERS…", "Ctrl+Shift+H",
                             window._history_selected,
                             "Sign-off history and ERS of the selected unit")
    window.act_history.setEnabled(False)
    window.act_unit_library = act("Unit &library…", "Ctrl+Shift+U", window.open_unit_library,
                                  "Browse and import unit specifications")
    mb = window.menuBar()
    menus = {a.text().replace("&", ""): a for a in mb.actions()}
    learner_menu = menus["Learner"].menu()
    after = learner_menu.actions()[learner_menu.actions().index(window.act_signoff) + 1:]
    learner_menu.insertAction(after[0] if after else None, window.act_history)
    window.units_menu = QMenu("&Units", window)
    window.units_menu.addAction(window.act_unit_library)
    mb.insertMenu(menus["Help"], window.units_menu)
    window.history_button.setToolTip(window.act_history.toolTip())
    window.history_button.clicked.connect(window._history_selected)
    window.act_history.enabledChanged.connect(window.history_button.setEnabled)
    window.history_button.setEnabled(False)


def show_shortcuts_table(window: MainWindow) -> None:
    """The F1 table: every menu action that has a shortcut, with its keys."""
    rows = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        for a in menu.actions() if menu else []:
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                             for k in a.shortcuts())
            if keys and not a.isSeparator():
                rows.append(f"<tr><td>{a.text().replace('&', '')}</td>"
                            f"<td>&nbsp;&nbsp;<b>{keys}</b></td></tr>")
    box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts",
                      "<table>" + "".join(rows) + "</table>", QMessageBox.StandardButton.Ok,
                      window)
    box.open()
