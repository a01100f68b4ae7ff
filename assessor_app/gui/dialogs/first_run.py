"""First start: import the bundled unit specs in the background, then, if there are no learners,
offer a demo learner so a new user sees populated screens.

The prompt can be switched off for tests and scripted runs with ASSESSOR_APP_NO_DEMO_PROMPT=1
(or `offer_demo=False`); it is offered once per settings profile.
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from assessor_app.demo.builder import demo_learner_id
from assessor_app.evidence.learners import list_learners
from assessor_app.gui.support.workers import run_in_background
from assessor_app.specs.bootstrap import ensure_bundled_specs
from assessor_app.store import Store

log = logging.getLogger(__name__)
NO_DEMO_ENV = "ASSESSOR_APP_NO_DEMO_PROMPT"


def demo_prompt_wanted() -> bool:
    return os.environ.get(NO_DEMO_ENV, "").lower() not in {"1", "true", "yes"}


def _prepare(store: Store) -> int:
    """Pool thread: import bundled specs (a no-op after the first time); count learners."""
    ensure_bundled_specs(store)
    return len(list_learners(store))


class FirstRun(QObject):
    specs_ready = Signal(int)  # number of learners
    demo_created = Signal(int)  # learner id
    failed = Signal(str)

    def __init__(self, window, offer_demo: bool | None = None) -> None:  # noqa: ANN001
        super().__init__(window)
        self.window = window
        self.store: Store = window.store
        self.offer_demo = demo_prompt_wanted() if offer_demo is None else offer_demo
        self.prompt: QMessageBox | None = None

    def start(self) -> None:
        self.window.show_status("Preparing the unit library…")
        run_in_background(_prepare, self.store, on_done=self._prepared, on_error=self._failed,
                          writes=True)

    def _failed(self, message: str) -> None:
        self.window.show_error(message)
        self.failed.emit(message)

    def _prepared(self, learners: int) -> None:
        self.window.show_status("Ready")
        self.window.refresh_learners()
        self.specs_ready.emit(learners)
        if learners == 0 and self.offer_demo and not self.window.settings.demo_offered:
            self.ask()

    def ask(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Create a demo learner?",
                          "There are no learners yet. Create a demo learner, enrolled on the "
                          "bundled units with a past visit and some evidence, to see how the app "
                          "works?\n\nIts registration starts with DEMO- so it is never mistaken "
                          "for a real learner.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self.window)
        box.setObjectName("demoPrompt")
        box.button(QMessageBox.StandardButton.Yes).setText("Create demo learner")
        box.button(QMessageBox.StandardButton.No).setText("Start empty")
        box.finished.connect(self._answered)
        self.prompt = box
        self.window.settings.demo_offered = True
        box.open()

    def _answered(self, result: int) -> None:
        if result == QMessageBox.StandardButton.Yes:
            run_in_background(demo_learner_id, self.store, on_done=self._created,
                              on_error=self._failed, writes=True)

    def _created(self, learner_id: int | None) -> None:
        if learner_id is None:
            self.window.show_error("There are no units in the library to enrol the demo "
                                          "learner on.")
            return
        self.window.select_learner(learner_id)
        self.window.refresh_learners()
        self.demo_created.emit(learner_id)
