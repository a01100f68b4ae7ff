"""Bad input gets a plain-English message and loses nothing: a 5 MB paste, a file that vanished,
a criterion from a unit the learner is not on, a bad time, a duplicate learner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlmodel import select

from assessor_app.demo.builder import demo_learner_id as create_demo_learner
from assessor_app.evidence.coverage import learner_coverage
from assessor_app.gui.dialogs.learner_dialogs import NewLearnerDialog
from assessor_app.gui.screens.main_window import MainWindow
from assessor_app.gui.support.messages import friendly_error
from assessor_app.gui.support.workers_sync import run_sync
from assessor_app.signoff.errors import IncompleteUnitError, SignatureDateError, SignOffError
from assessor_app.signoff.keys import WrongPassphrase
from assessor_app.store import Store
from assessor_app.store.models import Attachment, Criterion, EvidenceItem, Unit, UnitVersion
from assessor_app.sync.errors import NotConfigured, PasswordMissing
from tests.gui.conftest import WAIT_MS, click, make_photo, press, settle


def _observation(qtbot: QtBot, store: Store, make_window: Callable[[Store], MainWindow]):
    learner_id = create_demo_learner(store)
    window = make_window(store)
    qtbot.waitUntil(lambda: window.learner_id == learner_id, timeout=WAIT_MS)
    press(window, "Ctrl+N")
    settle(qtbot, window)  # the visit is started on a worker, then shown
    vs = window.visit_screen
    return window, vs, vs.new_evidence("observation")


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and "Error:" not in text and 'File "' not in text


def test_a_huge_paste_is_refused_and_kept_on_screen(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    window, vs, eid = _observation(qtbot, spec_store, make_window)
    qtbot.keyClicks(vs.editor.text, "Kept text.")
    vs.editor.flush()
    huge = ("x" * 99 + "\n") * (5 * 1024 * 1024 // 100)  # 5 MB of text
    vs.editor.text.setPlainText(huge)  # what a paste does
    vs.editor.flush()
    assert vs.banner.isVisible()
    assert "limit" in vs.banner.text() and "existing text is kept" in vs.banner.text()
    _no_traceback(vs.banner.text())
    assert len(vs.editor.text.toPlainText()) == len(huge)  # nothing typed is thrown away
    with spec_store.session() as s:
        assert s.get(EvidenceItem, eid).text == "Kept text."


def test_a_vanished_attachment_is_reported(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow],
        tmp_path: Path) -> None:
    """One good photo and one that was deleted before it could be copied: the good one is
    attached, the other is named in the message."""
    window, vs, eid = _observation(qtbot, spec_store, make_window)
    good = make_photo(tmp_path / "till.png")
    gone = make_photo(tmp_path / "gone.png")
    gone.unlink()
    vs.add_files([good, gone])
    qtbot.waitUntil(lambda: vs.attachments_model.rowCount() == 1 and vs.banner.kind == "error",
                    timeout=WAIT_MS)
    assert "gone.png" in vs.banner.text()
    _no_traceback(vs.banner.text())
    with spec_store.session() as s:
        assert [a.filename for a in s.exec(select(Attachment)
                                           .where(Attachment.evidence_id == eid))] == ["till.png"]


def test_a_criterion_from_an_unrelated_unit_is_refused(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    window, vs, eid = _observation(qtbot, spec_store, make_window)
    enrolled = {u.reference for u in learner_coverage(spec_store, vs.learner_id).units}
    assert enrolled
    with spec_store.session() as s:
        other = s.exec(select(Criterion).join(UnitVersion).join(Unit)
                       .where(Unit.reference.not_in(enrolled))).first()
    vs.set_mapped(other.id, True)
    settle(qtbot, vs)  # the mapping is written (and refused) on the write pool
    assert vs.banner.isVisible() and "not enrolled" in vs.banner.text()
    _no_traceback(vs.banner.text())
    assert vs.chips.labels() == []


def test_a_bad_time_is_explained(qtbot: QtBot, spec_store: Store,
                                 make_window: Callable[[Store], MainWindow]) -> None:
    window, vs, eid = _observation(qtbot, spec_store, make_window)
    vs.editor.end_time.setText("9")
    vs.editor.fields["end_time"]._changed()
    vs.editor.flush()
    assert "time like 09:30" in vs.banner.text()
    assert vs.editor.end_time.text() == "9"


def test_a_duplicate_registration_stays_in_the_dialog(
        qtbot: QtBot, spec_store: Store, make_window: Callable[[Store], MainWindow]) -> None:
    create_demo_learner(spec_store)
    dialog = NewLearnerDialog(spec_store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Someone Else")
    qtbot.keyClicks(dialog.registration, "DEMO-0001")
    click(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))
    assert dialog.banner.isVisibleTo(dialog) and "already has registration" in dialog.banner.text()
    assert dialog.result() == 0 and dialog.name.text() == "Someone Else"


@pytest.mark.parametrize("make_error, expected", [
    (lambda: SignatureDateError("The line manager's date must be on or before the assessor's "
                                "date."), "on or before the assessor's date"),
    (lambda: SignOffError("This sign-off is void: start a new one."), "start a new one"),
    (lambda: IncompleteUnitError("Criteria 1.2 are not met: record why, or judge them first.",
                                 ["1.2"], []), "record why"),
    (lambda: WrongPassphrase("The signing key could not be unlocked with that passphrase."),
     "could not be unlocked"),
    (lambda: NotConfigured("Sync is not set up yet: run `assessor-app sync configure`."),
     "File ▸ Sync settings"),
    (lambda: PasswordMissing("No sync password: run `assessor-app sync configure` again."),
     "File ▸ Sync settings"),
])
def test_core_refusals_are_shown_in_their_own_words(make_error, expected: str) -> None:
    """Sign-off, key and sync-setup errors say what to do, not "Something went wrong"; the sync
    ones point at the app's menu rather than the command line."""
    text = friendly_error(make_error())
    assert expected in text
    assert "Something went wrong" not in text and "assessor-app sync" not in text
    _no_traceback(text)


def test_sync_without_settings_says_where_to_set_it_up(spec_store: Store) -> None:
    """The background sync job reports the app's way to set up sync."""
    outcome = run_sync(spec_store)
    assert outcome.kind == "not_configured" and "File ▸ Sync settings" in outcome.message
