"""The main window's visit page, built when first needed.

The learner list and the learner's page read without the ORM, so the desktop app shows them
with SQLAlchemy, SQLModel and pydantic (about 30 MiB) not loaded. What needs the ORM — the visit
page, coverage, sign-off, the dialogs — waits behind `VisitPageGate.run`: the first such command
imports `VISIT_PAGE_MODULES` on a pool thread (the UI thread never imports them), builds the
visit page, then runs; later ones run at once. A window given its store when it is built (tests,
the demo window) builds the page at once (`MainWindow.attach_store`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

from assessor_app.gui.support.heap import freeze_long_lived
from assessor_app.gui.support.warm_up import warm_up
from assessor_app.gui.support.workers import Job, run_in_background

#: The main window (not imported: it imports this module).
Window = Any

#: Imported on a pool thread before the visit page is first built; they bring the ORM.
VISIT_PAGE_MODULES = (
    "assessor_app.store.models",
    "assessor_app.evidence.learners",
    "assessor_app.evidence.visits",
    "assessor_app.gui.screens.visit_screen",
    "assessor_app.signoff.service",
)

#: What the coverage dialog imports that the visit page has not (dependencies first).
COVERAGE_MODULES = ("assessor_app.evidence.judgements", "assessor_app.gui.models.coverage_model",
                    "assessor_app.gui.screens.coverage_view")


def load_modules(names: tuple[str, ...] = VISIT_PAGE_MODULES) -> None:
    """Pool thread: import `names` (the ORM with them), then take what they made out of the
    collector's full passes here, while the user waits for "Loading…" anyway: on the UI thread
    that collection is ~30 ms more of the first visit's opening."""
    for name in names:
        importlib.import_module(name)
    freeze_long_lived()


def build_visit_page(window: Window) -> None:
    """Build the visit page of `window` (its modules loaded) and wire it into the window."""
    from assessor_app.gui.screens.visit_screen import VisitScreen

    vs = window.visit_screen = VisitScreen(window.store, window.undo_stack,
                                           autosave_ms=window.settings.autosave_delay_ms,
                                           assessor_name=window.assessor_name)
    window.pages.addWidget(vs)
    if not window.settings.visit_splitter.isEmpty():
        vs.splitter.restoreState(window.settings.visit_splitter)
    vs.back_requested.connect(window.show_learner_page)
    vs.coverage_changed.connect(window.coverage_changed)
    vs.close_requested.connect(window.close_visit)
    window.main_actions.attach_visit_screen(vs)
    window.update_actions()
    # The page lives as long as the window; frozen in a turn of its own, after the command
    # that needed the page has run.
    QTimer.singleShot(0, window, freeze_long_lived)
    warm_up(window, COVERAGE_MODULES)  # so the first Coverage click does not import them


class VisitPageGate(QObject):
    """Runs the window's commands that need the visit page (and the ORM) once it is built."""

    def __init__(self, window: Window) -> None:
        super().__init__(window)
        self._window = window
        self._waiting: list[Callable[[], object]] = []
        self._job: Job | None = None

    @property
    def busy(self) -> bool:
        """The visit page's modules are loading."""
        return self._job is not None

    def run(self, command: Callable[[], object]) -> None:
        """`command()` now if the visit page is built, else once it is."""
        if self._window.visit_screen is not None:
            command()
            return
        self._waiting.append(command)
        if self._job is None:
            self._window.show_status("Loading…")
            self._job = run_in_background(load_modules, owner=self, on_done=self._loaded,
                                          on_error=self._failed)

    def _loaded(self, _result: object) -> None:
        self._done()
        if self._window.visit_screen is None:
            build_visit_page(self._window)
        waiting, self._waiting = self._waiting, []
        for command in waiting:
            command()

    def _failed(self, message: str) -> None:
        """Nothing waiting runs; the next command tries again."""
        self._done()
        self._waiting.clear()
        self._window.show_error(message)

    def _done(self) -> None:
        self._job = None
        if self._window.status_label.text() == "Loading…":
            self._window.show_status("Ready")
