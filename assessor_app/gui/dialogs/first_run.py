"""First start: import the bundled unit specs in the background; then, if the assessor is not
set up yet, the set-up wizard (name, assessor ID, centre, signing key, sync); then, if there are
no learners, an offer to look at the demo.

The demo never goes into this database: it opens in its own demo database beside it, in a window
of its own marked DEMO (also from Help ▸ Open the demo), so its people never reach a real
learner's records, Settings or sheets.

The prompts can be switched off for tests and scripted runs with ASSESSOR_APP_NO_DEMO_PROMPT=1
(or `offer_demo=False` / `offer_setup=False`); the demo is offered once per settings profile.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from assessor_app.gui.support.workers import run_in_background

if TYPE_CHECKING:
    from assessor_app.gui.dialogs.setup_wizard import SetupWizard
    from assessor_app.setup.profile import AssessorProfile
    from assessor_app.store import Store

log = logging.getLogger(__name__)
NO_DEMO_ENV = "ASSESSOR_APP_NO_DEMO_PROMPT"


def demo_prompt_wanted() -> bool:
    return os.environ.get(NO_DEMO_ENV, "").lower() not in {"1", "true", "yes"}


def _prepare(store: Store) -> tuple[int, AssessorProfile]:
    """Pool thread: import bundled specs (a no-op after the first time); count learners; read
    the assessor's details (set up yet?)."""
    from assessor_app.evidence.learner_list import list_learners
    from assessor_app.setup.profile import load_profile
    from assessor_app.specs.bootstrap import ensure_bundled_specs

    ensure_bundled_specs(store)
    return len(list_learners(store)), load_profile(store)


class FirstRun(QObject):
    specs_ready = Signal(int)  # number of learners
    setup_done = Signal()
    demo_opened = Signal(object)  # the demo's main window
    failed = Signal(str)

    def __init__(self, window, offer_demo: bool | None = None,  # noqa: ANN001
                 offer_setup: bool | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.store: Store = window.store
        self.offer_demo = demo_prompt_wanted() if offer_demo is None else offer_demo
        self.offer_setup = demo_prompt_wanted() if offer_setup is None else offer_setup
        self.prompt: QMessageBox | None = None
        self.wizard: SetupWizard | None = None
        self._learners = 0

    def start(self) -> None:
        self.window.show_status("Preparing the unit library…")
        run_in_background(_prepare, self.store, on_done=self._prepared, on_error=self._failed,
                          writes=True)

    def _failed(self, message: str) -> None:
        self.window.show_error(message)
        self.failed.emit(message)

    def _prepared(self, prepared: tuple[int, AssessorProfile]) -> None:
        learners, profile = prepared
        self.window.show_status("Ready")
        self.window.refresh_learners()
        self._learners = learners
        self.specs_ready.emit(learners)
        if self.offer_setup and not profile.assessor_name:
            self._when_open(lambda: self._open_wizard(profile))
        else:
            self._offer_demo()

    def _when_open(self, command: Callable[[], object]) -> None:
        """The wizard and the demo bring the ORM: the window loads it first, off the UI
        thread (`MainWindow.when_open`)."""
        when_open = getattr(self.window, "when_open", None)
        if when_open is None:
            command()
        else:
            when_open(command)

    def _open_wizard(self, profile: AssessorProfile) -> None:
        from assessor_app.gui.dialogs.setup_wizard import SetupWizard

        self.wizard = SetupWizard(self.store, profile, self.window)
        self.wizard.finished.connect(self._set_up)
        self.wizard.open()

    def _set_up(self, _result: int) -> None:
        refresh = getattr(self.window, "refresh_profile", None)
        if refresh is not None:  # the window names the assessor from the profile just saved
            refresh()
        self.setup_done.emit()
        self._offer_demo()

    def _offer_demo(self) -> None:
        if self._learners == 0 and self.offer_demo and not self.window.settings.demo_offered:
            self.ask()

    def ask(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Look at the demo?",
                          "There are no learners yet. Open a demo learner, with a past visit, "
                          "evidence and a signed unit, to see how the app works?\n\nThe demo "
                          "opens in a separate window and its own practice database: nothing in "
                          "it reaches your real learners, settings or sheets. It is always "
                          "there under Help ▸ Open the demo.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self.window)
        box.setObjectName("demoPrompt")
        box.button(QMessageBox.StandardButton.Yes).setText("Open the demo")
        box.button(QMessageBox.StandardButton.No).setText("Start with my own learners")
        box.finished.connect(self._answered)
        self.prompt = box
        self.window.settings.demo_offered = True
        box.open()

    def _answered(self, result: int) -> None:
        if result == QMessageBox.StandardButton.Yes:
            self._when_open(lambda: self.window.open_demo(self.demo_opened.emit))
