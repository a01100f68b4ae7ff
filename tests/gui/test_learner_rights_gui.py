"""Learner ▸ Export learner's data… writes a readable zip; Learner ▸ Erase learner… shows the
retention rule, wants the registration number typed, then the learner is gone."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from pytestqt.qtbot import QtBot

from assessor_app.evidence import add_learner, create_evidence, list_learners
from assessor_app.gui.dialogs.learner_rights import EraseLearnerDialog
from assessor_app.store import Store
from tests.gui.conftest import WAIT_MS, settle, when_dialog_opens


def _window_on(qtbot: QtBot, store: Store, make_window) -> tuple[object, int]:  # noqa: ANN001
    learner = add_learner(store, "Rights Person", "RP-77")
    create_evidence(store, learner.id, "observation", text="Stacked the shelves neatly")
    window = make_window(store)
    window.select_learner(learner.id)
    qtbot.waitUntil(lambda: window.overview is not None
                    and window.overview.learner.id == learner.id, timeout=WAIT_MS)
    settle(qtbot, window)
    return window, learner.id


def test_export_from_the_learner_menu(qtbot: QtBot, store: Store, make_window,  # noqa: ANN001
                                      tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    window, _ = _window_on(qtbot, store, make_window)
    out = tmp_path / "sar.zip"
    monkeypatch.setattr("assessor_app.gui.dialogs.learner_rights.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(out), ""))
    assert window.main_actions.act_export_learner.isEnabled()
    window.main_actions.act_export_learner.trigger()
    qtbot.waitUntil(lambda: "Exported" in window.status_label.text(), timeout=WAIT_MS)
    with zipfile.ZipFile(out) as zf:
        data = json.loads(zf.read("learner.json"))
    assert data["learner"]["registration"] == "RP-77"
    assert data["evidence_item"][0]["text"] == "Stacked the shelves neatly"


def test_erase_asks_for_the_registration(qtbot: QtBot, store: Store, make_window) -> None:  # noqa: ANN001
    window, _ = _window_on(qtbot, store, make_window)

    def confirm(dialog: EraseLearnerDialog) -> None:
        qtbot.waitUntil(lambda: "3 years" in dialog.rule.text(), timeout=WAIT_MS)
        dialog.confirm.setText("RP-7")
        assert not dialog.erase_button.isEnabled()  # not until the number is typed exactly
        dialog.confirm.setText("RP-77")
        assert dialog.erase_button.isEnabled()
        dialog.erase_button.click()

    when_dialog_opens(qtbot, confirm)
    window.main_actions.act_erase_learner.trigger()
    assert "erased" in window.status_label.text()
    assert [r.learner.registration for r in list_learners(store)] == []


def test_erase_from_the_gui_seals_the_trail_when_the_key_opens(
        qtbot: QtBot, store: Store, make_window, monkeypatch) -> None:  # noqa: ANN001
    """With the signing key at hand (here the passphrase in the environment), the erasure entry
    is signed at once, as the CLI does, instead of waiting for the next ERS filing."""
    from sqlmodel import col, select

    from assessor_app.signoff.keys import load_or_create_identity
    from assessor_app.store.models import AuditEntry
    from assessor_app.vault.unlock import PASSPHRASE_ENV

    load_or_create_identity(store, passphrase="pw")
    monkeypatch.setenv(PASSPHRASE_ENV, "pw")
    window, _ = _window_on(qtbot, store, make_window)

    def confirm(dialog: EraseLearnerDialog) -> None:
        qtbot.waitUntil(lambda: "3 years" in dialog.rule.text(), timeout=WAIT_MS)
        dialog.confirm.setText("RP-77")
        dialog.erase_button.click()

    when_dialog_opens(qtbot, confirm)
    window.main_actions.act_erase_learner.trigger()
    assert "erased" in window.status_label.text()
    with store.read_session() as s:
        newest = s.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc())).first()
    assert newest is not None and newest.action == "learner.erase" and newest.signature
