"""Sign-off status on the learner page, and the sign-off history dialog with its ERS.

Built on the real demo: H/601/1232 signed by learner, line manager and assessor, ERS filed.
Set ASSESSOR_APP_SCREENSHOTS=1 to refresh docs/screenshots/signoff_history.png.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot
from sqlmodel import select

from assessor_app.demo.builder import (
    DEFAULT_ASSESSOR,
    DEMO_NAME,
    LINE_MANAGER,
    SIGNED_UNIT,
    DemoResult,
    build_demo,
)
from assessor_app.demo.builder import sign_off_demo_unit as sign_again
from assessor_app.ers.layout import UNFINISHED_MARK
from assessor_app.evidence.items import update_evidence_text
from assessor_app.gui.dialogs.signoff_history_dialog import SignOffHistoryDialog
from assessor_app.gui.models.overview_models import (
    SIGNOFF_COLUMN,
    SIGNOFF_KIND_ROLE,
    day,
)
from assessor_app.signoff.keys import load_or_create_identity
from assessor_app.signoff.service import start_signoff
from assessor_app.specs.queries import latest_unit_version
from assessor_app.store import Store
from assessor_app.store.models import EvidenceItem, SignOffEvidence
from tests.gui.conftest import WAIT_MS, press, wait_pdf_painted

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PDF_MS = 30_000  # rendering and signing an ERS on a slow CI machine


@pytest.fixture
def demo(spec_store: Store) -> DemoResult:
    result = build_demo(spec_store, load_or_create_identity)
    assert result is not None and result.signoff_id is not None
    return result


def _open_learner(qtbot: QtBot, make_window, store: Store, learner_id: int):  # noqa: ANN001, ANN202
    window = make_window(store)
    window.select_learner(learner_id)
    units = window.overview_panel.units_model
    qtbot.waitUntil(lambda: window.overview is not None and units.rowCount() == 3,
                    timeout=WAIT_MS)
    return window


def _cell(window, reference: str):  # noqa: ANN001, ANN202
    refs = [u.reference for u in window.overview_panel.units_model.units()]
    return window.overview_panel.units_model.index(refs.index(reference), SIGNOFF_COLUMN)


def _text(window, reference: str) -> str:  # noqa: ANN001
    return _cell(window, reference).data()


def _edit_signed_evidence(store: Store, signoff_id: int) -> int:
    """Change the narrative of an observation the sign-off covered, unlocked on purpose (as the
    editor's autosave does after "Unlock…")."""
    from assessor_app.evidence.unlock import unlocking

    with store.session() as s:
        covered = s.exec(select(SignOffEvidence.evidence_id)
                         .where(SignOffEvidence.signoff_id == signoff_id)).all()
        obs = next(i for i in (s.get(EvidenceItem, e) for e in covered)
                   if i.kind == "observation")
        evidence_id, text = obs.id, obs.text
    with unlocking("she also logged the return"):
        update_evidence_text(store, evidence_id, text + "\nShe also logged the return.")
    return evidence_id


def _refresh_until(qtbot: QtBot, window, reference: str, wanted: str) -> None:  # noqa: ANN001
    window.refresh_overview()
    qtbot.waitUntil(lambda: wanted in _text(window, reference), timeout=WAIT_MS)


def _open_history(qtbot: QtBot, window) -> SignOffHistoryDialog:  # noqa: ANN001
    window.overview_panel.units_table.setCurrentIndex(_cell(window, SIGNED_UNIT).siblingAtColumn(0))
    press(window, "Ctrl+Shift+H")
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), SignOffHistoryDialog),
                    timeout=WAIT_MS)
    return QApplication.activeModalWidget()


def _show(qtbot: QtBot, dialog: SignOffHistoryDialog, signoff_id: int) -> None:
    dialog.select_signoff(signoff_id)
    with qtbot.waitSignal(dialog.ers_shown, timeout=PDF_MS) as blocker:
        qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [signoff_id]
    qtbot.waitUntil(lambda: dialog.preview.is_ready() and dialog.preview.page_count() > 1,
                    timeout=WAIT_MS)


def _verify(qtbot: QtBot, dialog: SignOffHistoryDialog):  # noqa: ANN202
    assert dialog.verify_button.isEnabled()
    with qtbot.waitSignal(dialog.verified, timeout=PDF_MS) as blocker:
        qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def test_signed_unit_shows_signed_then_void_after_its_evidence_is_edited(
        qtbot: QtBot, spec_store: Store, demo: DemoResult, make_window) -> None:
    window = _open_learner(qtbot, make_window, spec_store, demo.learner_id)
    signed = _text(window, SIGNED_UNIT)
    assert signed == f"✔ Signed {day(date.today())}"
    assert _cell(window, SIGNED_UNIT).data(SIGNOFF_KIND_ROLE) == "signed"
    units = window.overview_panel.units_model
    others = [u.reference for u in units.units() if u.reference != SIGNED_UNIT]
    assert [_text(window, r) for r in others] == ["—", "—"]
    assert units.headerData(SIGNOFF_COLUMN, Qt.Orientation.Horizontal) == "Sign-off"

    _edit_signed_evidence(spec_store, demo.signoff_id)
    _refresh_until(qtbot, window, SIGNED_UNIT, "Void")
    cell = _cell(window, SIGNED_UNIT)
    assert cell.data() == "⚠ Void — needs new signatures"
    assert cell.data(SIGNOFF_KIND_ROLE) == "void"
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    with spec_store.session() as s:
        from assessor_app.store.models import SignOff

        reason = s.get(SignOff, demo.signoff_id).void_reason
    assert reason and reason in tip and "Sign off the unit again" in tip
    # Not colour alone: the symbol and the words say it, and the font is bold.
    assert cell.data(Qt.ItemDataRole.FontRole).bold()
    # The column is wide enough for its longest text (nothing clipped at 1366×768).
    table = window.overview_panel.units_table
    width = table.columnWidth(SIGNOFF_COLUMN)
    assert table.fontMetrics().horizontalAdvance(cell.data()) < width - 8


def test_history_lists_void_and_new_signoffs_with_their_ers(
        qtbot: QtBot, spec_store: Store, demo: DemoResult, make_window, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _edit_signed_evidence(spec_store, demo.signoff_id)
    new_id, _doc = sign_again(spec_store, demo.learner_id, load_or_create_identity(spec_store))
    window = _open_learner(qtbot, make_window, spec_store, demo.learner_id)
    assert _text(window, SIGNED_UNIT).startswith("✔ Signed ")

    dialog = _open_history(qtbot, window)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=WAIT_MS)
    rows = dialog.model.rows()
    assert [r.summary.id for r in rows] == [new_id, demo.signoff_id]  # newest first
    m = dialog.model
    assert [m.index(i, 0).data() for i in range(2)] == ["✔ Signed", "⚠ Void"]
    assert m.index(0, 2).data() == f"{DEMO_NAME}, {LINE_MANAGER}, {DEFAULT_ASSESSOR}"
    assert f"Line manager: {LINE_MANAGER} (Store supervisor)" in m.index(0, 2).data(
        Qt.ItemDataRole.ToolTipRole)
    assert rows[1].summary.void_reason in m.index(1, 4).data()
    assert m.index(1, 5).data() == rows[1].summary.content_hash[:12]
    assert [m.index(i, 6).data() for i in range(2)] == ["Filed (signed PDF)"] * 2

    # The newest opens by itself; it verifies.
    qtbot.waitUntil(lambda: dialog.preview.is_ready() and dialog.preview.page_count() > 1,
                    timeout=PDF_MS)
    result = _verify(qtbot, dialog)
    assert result.ok, result.summary
    assert dialog.verify_label.text().startswith(f"✔ Sign-off {new_id}: OK")

    # The void one is still reachable (funding audits need it): its signed PDF as filed.
    _show(qtbot, dialog, demo.signoff_id)
    assert "VOID" in dialog.shown_label.text()
    result = _verify(qtbot, dialog)
    assert result.ok
    assert "this sign-off is void" in dialog.verify_label.text()

    # Save it: the suggested name carries no learner name; the bytes are the filed PDF.
    asked: list[str] = []
    target = tmp_path / "saved.pdf"

    def fake_save(_parent, _title, suggested, _filter):  # noqa: ANN001, ANN202
        asked.append(suggested)
        return str(target), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    name = Path(asked[0]).name
    assert name == rows[1].document.filename and name.endswith(".pdf")
    assert DEMO_NAME.split()[0] not in name and "DEMO-" not in name
    reader = PdfReader(str(target))
    assert len(reader.pages) == dialog.preview.page_count()
    first = reader.pages[0].extract_text()
    assert SIGNED_UNIT in first
    assert "ers-content.json" in reader.attachments
    dialog.reject()


def test_unfinished_signoff_shows_in_progress_and_an_unsigned_copy(
        qtbot: QtBot, spec_store: Store, demo: DemoResult, make_window, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _edit_signed_evidence(spec_store, demo.signoff_id)
    with spec_store.session() as s:
        started = start_signoff(s, demo.learner_id, latest_unit_version(s, SIGNED_UNIT).id)
        started_id = started.id
    window = _open_learner(qtbot, make_window, spec_store, demo.learner_id)
    assert _text(window, SIGNED_UNIT) == "✎ In progress"
    assert "learner to sign" in _cell(window, SIGNED_UNIT).data(Qt.ItemDataRole.ToolTipRole)

    # Double-clicking the Sign-off cell opens the history too.
    table = window.overview_panel.units_table
    rect = table.visualRect(_cell(window, SIGNED_UNIT))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), SignOffHistoryDialog),
                    timeout=WAIT_MS)
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=WAIT_MS)
    assert dialog.model.index(0, 0).data() == "✎ In progress"
    assert dialog.model.index(0, 6).data() == "Not filed"
    qtbot.waitUntil(lambda: dialog.preview.is_ready(), timeout=PDF_MS)  # newest: rendered copy
    assert dialog.current_row().summary.id == started_id
    assert not dialog.verify_button.isEnabled()  # nothing signed to verify
    assert "Unsigned copy" in dialog.shown_label.text()

    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a: (str(tmp_path / "copy"), "")))
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = Path(blocker.args[0])
    assert saved.name == "copy.pdf"
    text = PdfReader(str(saved)).pages[0].extract_text()
    assert UNFINISHED_MARK in text
    dialog.reject()


def test_screenshots_of_status_column_and_history(
        qtbot: QtBot, spec_store: Store, demo: DemoResult, make_window, tmp_path: Path) -> None:
    out = DOCS if os.environ.get("ASSESSOR_APP_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    _edit_signed_evidence(spec_store, demo.signoff_id)
    sign_again(spec_store, demo.learner_id, load_or_create_identity(spec_store))
    window = _open_learner(qtbot, make_window, spec_store, demo.learner_id)
    window.overview_panel.units_table.setCurrentIndex(_cell(window, SIGNED_UNIT).siblingAtColumn(0))
    assert window.grab().toImage().save(str(tmp_path / "learner_page_signoff.png"))
    units = window.overview_panel.units_model.units()
    dialog = window.open_signoff_history(
        demo.learner_id, units[[u.reference for u in units].index(SIGNED_UNIT)].unit_id)
    dialog.resize(1240, 700)  # the offscreen screen is smaller than the 1366×768 laptop's
    qtbot.waitUntil(lambda: dialog.preview.is_ready() and dialog.preview.page_count() > 1,
                    timeout=PDF_MS)
    _verify(qtbot, dialog)
    wait_pdf_painted(qtbot, dialog.preview)
    image = dialog.grab().toImage()
    assert image.width() <= 1366 and image.height() <= 768
    assert image.save(str(out / "signoff_history.png"))
    _show(qtbot, dialog, demo.signoff_id)  # the void one, as an auditor would look at it
    wait_pdf_painted(qtbot, dialog.preview)
    assert dialog.grab().toImage().save(str(tmp_path / "signoff_history_void.png"))
    dialog.reject()
