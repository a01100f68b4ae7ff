"""The main window opens the sign-off dialog for the selected unit and carries the sync indicator."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assessor_app.demo.builder import SIGNED_UNIT, demo_learner_id
from assessor_app.gui.dialogs.signoff_dialog import SignOffDialog
from assessor_app.specs.queries import latest_unit_version
from tests.gui.conftest import WAIT_MS, press, settle


def _select_unit(qtbot: QtBot, window, reference: str) -> None:
    panel = window.overview_panel
    qtbot.waitUntil(lambda: window.overview is not None and panel.units_model.rowCount() > 0,
                    timeout=WAIT_MS)
    refs = [u.reference for u in panel.units_model.units()]
    panel.units_table.setCurrentIndex(panel.units_model.index(refs.index(reference), 0))


def test_ctrl_shift_s_opens_signoff_for_the_selected_unit(qtbot: QtBot, spec_store,
                                                           make_window) -> None:
    learner_id = demo_learner_id(spec_store)
    window = make_window(spec_store)
    window.select_learner(learner_id)
    _select_unit(qtbot, window, SIGNED_UNIT)
    press(window, "Ctrl+Shift+S")
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), SignOffDialog),
                    timeout=WAIT_MS)
    dialog = QApplication.activeModalWidget()
    settle(qtbot, dialog)  # the record is read in the background
    with spec_store.session() as s:
        version = latest_unit_version(s, SIGNED_UNIT)
    assert (dialog.plan.unit_version_id, dialog.plan.learner_id) == (version.id, learner_id)
    assert dialog.content["unit"]["reference"] == SIGNED_UNIT
    dialog.reject()


def test_status_bar_has_the_sync_indicator_and_sync_now(qtbot: QtBot, spec_store,
                                                        make_window) -> None:
    window = make_window(spec_store)
    assert window.sync.widget.parent() is not None
    assert window.sync.widget.isVisible()
    texts = [a.text().replace("&", "") for a in window.main_actions.file_menu.actions()]
    assert any(t.startswith("Sync now") for t in texts)
    # Nothing configured yet: the indicator says so in words.
    qtbot.waitUntil(lambda: "set up" in window.sync.widget.label.text().lower(), timeout=WAIT_MS)


def test_assessor_name_falls_back_to_the_database(qtbot, spec_store, app_settings,  # noqa: ANN001
                                                   make_window) -> None:
    """A fresh laptop profile still knows the assessor recorded with the database; the
    database's profile (first-run set-up, Settings) wins over an older per-laptop name. The
    window reads the profile in the background when the store opens and after a save."""
    from assessor_app.store.settings import set_setting

    app_settings.assessor_name = "Jo Bloggs"
    window = make_window(spec_store)
    assert window.assessor_name() == "Jo Bloggs"  # nothing set up in the database yet
    app_settings.assessor_name = ""
    set_setting(spec_store, "assessor_name", "Alex Morgan")
    window.refresh_profile()  # as after Settings or the set-up wizard saved it
    settle(qtbot, window)
    assert window.assessor_name() == "Alex Morgan"
    app_settings.assessor_name = "Jo Bloggs"
    assert window.assessor_name() == "Alex Morgan"
