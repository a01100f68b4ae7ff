"""Reading the learner list again (after a tick, an enrolment, a new learner) keeps the learner
shown highlighted without choosing them again, so their page is not read a second time; a
different learner picked in the list is still chosen."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from assessor_app.evidence.learners import add_learner
from assessor_app.gui.models.learner_list_model import LEARNER_ID_ROLE
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.store import Store
from tests.gui.conftest import WAIT_MS, click_index, settle


def test_refreshing_the_list_does_not_choose_the_learner_again(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    first = add_learner(spec_store, "Ada First", "R-1").id
    second = add_learner(spec_store, "Bea Second", "R-2").id
    window = make_window(spec_store)
    panel = window.learner_panel
    qtbot.waitUntil(lambda: panel.learner_model.rowCount() == 2, timeout=WAIT_MS)
    click_index(panel.learner_list, panel.learner_model.index(panel.learner_model.row_of(second)))
    settle(qtbot, window)
    assert window.learner_id == second
    chosen: list[int] = []
    pages: list[int] = []
    panel.learner_chosen.connect(chosen.append)
    window.overview_loaded.connect(pages.append)

    for _ in range(3):  # as after three ticks in a row
        window.refresh_learners()
        settle(qtbot, window)
    assert chosen == [] and pages == []
    assert panel.learner_list.currentIndex().data(LEARNER_ID_ROLE) == second

    click_index(panel.learner_list, panel.learner_model.index(panel.learner_model.row_of(first)))
    settle(qtbot, window)
    assert chosen == [first] and pages == [first] and window.learner_id == first
