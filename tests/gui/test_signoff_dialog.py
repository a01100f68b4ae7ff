"""The sign-off dialog, driven like a user: check, learner, line manager, assessor, last look."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot
from sqlmodel import select

from assessor_app.gui.dialogs.signoff_dialog import SignOffDialog
from assessor_app.gui.dialogs.signoff_pages import SignerPage
from assessor_app.store import Store
from assessor_app.store.models import (
    Criterion,
    Enrolment,
    EvidenceCriterion,
    EvidenceItem,
    Judgement,
    Learner,
    LearningOutcome,
    SignOff,
    Unit,
    UnitVersion,
)
from assessor_app.workflow import signoff as workflow
from tests.evidence.groups_scenario import LEAVES, judge_all_met, l601_learner, tick
from tests.gui.conftest import WAIT_MS, settle

TODAY = date.today()
LEARNER = "Priya Shah"
LINE_MANAGER = "Sam Lee"
ASSESSOR = "Alex Morgan"


@dataclass
class Case:
    learner_id: int
    unit_version_id: int


def make_case(store: Store, *, all_met: bool = True, evidence_days_ago: int = 3) -> Case:
    """A learner enrolled on a two-criterion unit, with one observation covering both."""
    with store.session() as s:
        unit = Unit(reference="K/503/8194")
        s.add(unit)
        s.flush()
        uv = UnitVersion(unit_id=unit.id, number=1, content_hash="h1", level=2, credit_value=5,
                         title="Principles of customer relationships")
        s.add(uv)
        s.flush()
        lo = LearningOutcome(version_id=uv.id, number="1", position=1,
                             text="Understand customer expectations")
        s.add(lo)
        s.flush()
        crits = [Criterion(version_id=uv.id, outcome_id=lo.id, number=n, position=i, text=t)
                 for i, (n, t) in enumerate([("1.1", "Describe what customers expect"),
                                             ("1.2", "Explain how to exceed expectations")])]
        s.add_all(crits)
        learner = Learner(name=LEARNER, registration="R1001", employer="Corner Shop",
                          line_manager=LINE_MANAGER)
        s.add(learner)
        s.flush()
        s.add(Enrolment(learner_id=learner.id, unit_id=unit.id, unit_version_id=uv.id))
        ev = EvidenceItem(learner_id=learner.id, kind="observation",
                          date=TODAY - timedelta(days=evidence_days_ago),
                          title="Served customers at the till", text="Greeted each customer.")
        s.add(ev)
        s.flush()
        for c in crits:
            s.add(EvidenceCriterion(evidence_id=ev.id, criterion_id=c.id))
            if all_met or c.number == "1.1":
                s.add(Judgement(learner_id=learner.id, criterion_id=c.id, state="met",
                                evidence_ids_json=f"[{ev.id}]", decided_by=ASSESSOR))
        return Case(learner.id, uv.id)


def sign(qtbot: QtBot, page: SignerPage) -> None:
    """Draw a wavy signature across the page's pad with the mouse."""
    pad = page.signature.pad
    area = pad.signing_area()

    def at(fx: float, fy: float) -> QPoint:
        return QPoint(round(area.left() + fx * area.width()), round(area.top() + fy * area.height()))

    # each signer draws their own wave: the core refuses one signer's strokes for another
    period = {"LearnerPage": 4, "LineManagerPage": 6, "AssessorPage": 3}.get(
        type(page).__name__, 4)
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=at(0.1, 0.6))
    for i in range(1, 31):
        qtbot.mouseMove(pad, at(0.1 + i * 0.025, 0.6 - 0.25 * ((i % period) < period / 2)))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=at(0.85, 0.6))


def click_next(qtbot: QtBot, dlg: SignOffDialog) -> None:
    """Press Next and wait for the core's answer (the step is checked in the background)."""
    qtbot.mouseClick(dlg.next_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dlg)


@pytest.fixture
def dialog_for(qtbot: QtBot, store: Store):
    def make(case: Case) -> SignOffDialog:
        dlg = SignOffDialog(store, case.learner_id, case.unit_version_id,
                            assessor_name=ASSESSOR)
        qtbot.addWidget(dlg)
        dlg.show()
        qtbot.waitExposed(dlg)
        settle(qtbot, dlg)  # the record is read in the background
        return dlg
    return make


def test_first_page_shows_exactly_what_is_signed(store: Store, dialog_for) -> None:
    """Unit, criteria with their judgements and the evidence list are on the check page."""
    dlg = dialog_for(make_case(store))
    text = dlg.review.record.toPlainText()
    for expected in ("K/503/8194", "Principles of customer relationships", "1.1",
                     "Describe what customers expect", "Met", "OBS-1",
                     "Served customers at the till", LEARNER):
        assert expected in text
    assert dlg.review.gap_box is None
    assert not dlg.back_button.isEnabled()


def test_learner_page_refuses_a_dot_and_a_missing_tick(qtbot: QtBot, store: Store,
                                                        dialog_for) -> None:
    """The core's rules come back as plain sentences under the page, and the page stays."""
    dlg = dialog_for(make_case(store))
    click_next(qtbot, dlg)
    assert dlg.current() is dlg.learner
    qtbot.mouseClick(dlg.learner.signature.pad, Qt.MouseButton.LeftButton)
    click_next(qtbot, dlg)
    assert dlg.current() is dlg.learner
    assert "declaration" in dlg.problem_text()
    dlg.learner.agree.setChecked(True)
    assert dlg.problem_text() == ""  # editing clears the old message
    click_next(qtbot, dlg)
    assert dlg.current() is dlg.learner
    assert "empty or too short" in dlg.problem_text()
    assert "Traceback" not in dlg.problem_text()
    dlg.learner.signature.pad.clear()
    sign(qtbot, dlg.learner)
    click_next(qtbot, dlg)
    assert dlg.current() is dlg.line_manager


def go_to_assessor(qtbot: QtBot, dlg: SignOffDialog, lm_date: date = TODAY) -> None:
    click_next(qtbot, dlg)
    dlg.learner.agree.setChecked(True)
    sign(qtbot, dlg.learner)
    click_next(qtbot, dlg)
    assert dlg.current() is dlg.line_manager
    assert dlg.line_manager.name.text() == LINE_MANAGER  # pre-filled from the learner record
    click_next(qtbot, dlg)
    assert "job title" in dlg.problem_text()
    qtbot.keyClicks(dlg.line_manager.job_title, "Store manager")
    dlg.line_manager.date.setDate(QDate(lm_date.year, lm_date.month, lm_date.day))
    sign(qtbot, dlg.line_manager)
    click_next(qtbot, dlg)
    assert dlg.current() is dlg.assessor, dlg.problem_text()


def test_line_manager_date_after_assessor_date_is_explained(qtbot: QtBot, store: Store,
                                                            dialog_for) -> None:
    """The OCR rule (line manager on or before the assessor) is shown on the assessor's page."""
    dlg = dialog_for(make_case(store))
    go_to_assessor(qtbot, dlg)
    earlier = TODAY - timedelta(days=1)
    dlg.assessor.date.setDate(QDate(earlier.year, earlier.month, earlier.day))
    sign(qtbot, dlg.assessor)
    click_next(qtbot, dlg)
    assert dlg.current() is dlg.assessor
    msg = dlg.problem_text()
    assert "line manager" in msg and "on or before" in msg
    with store.session() as s:
        assert s.exec(select(SignOff)).all() == []  # nothing is written until "File"


def test_future_line_manager_date_is_refused(qtbot: QtBot, store: Store, dialog_for) -> None:
    dlg = dialog_for(make_case(store))
    click_next(qtbot, dlg)
    dlg.learner.agree.setChecked(True)
    sign(qtbot, dlg.learner)
    click_next(qtbot, dlg)
    qtbot.keyClicks(dlg.line_manager.job_title, "Owner")
    future = TODAY + timedelta(days=2)
    dlg.line_manager.date.setDate(QDate(future.year, future.month, future.day))
    sign(qtbot, dlg.line_manager)
    click_next(qtbot, dlg)
    assert dlg.current() is dlg.line_manager
    assert "in the future" in dlg.problem_text()


def test_incomplete_unit_offers_the_partial_path(qtbot: QtBot, store: Store,
                                                 dialog_for) -> None:
    """Unmet criteria block the claim until a reason is written; then signing goes on."""
    dlg = dialog_for(make_case(store, all_met=False))
    assert dlg.review.gap_box is not None
    gap_text = " ".join(label.text() for label in dlg.review.gap_box.findChildren(QLabel))
    assert "not complete" in gap_text and "1.2" in gap_text
    click_next(qtbot, dlg)
    assert dlg.current() is dlg.review
    assert "not complete" in dlg.problem_text() and "1.2" in dlg.problem_text()
    qtbot.keyClicks(dlg.review.reason, "Learner is leaving the company")
    click_next(qtbot, dlg)
    assert dlg.current() is dlg.learner


def test_back_keeps_what_was_entered(qtbot: QtBot, store: Store, dialog_for) -> None:
    dlg = dialog_for(make_case(store))
    go_to_assessor(qtbot, dlg)
    qtbot.mouseClick(dlg.back_button, Qt.MouseButton.LeftButton)
    assert dlg.current() is dlg.line_manager
    assert dlg.line_manager.job_title.text() == "Store manager"
    assert not dlg.line_manager.signature.pad.is_empty()
    assert [s.role for s in dlg.plan.signers] == ["learner"]
    click_next(qtbot, dlg)
    assert dlg.current() is dlg.assessor
    assert [s.role for s in dlg.plan.signers] == ["learner", "line_manager"]


def test_escape_asks_before_discarding(qtbot: QtBot, store: Store, dialog_for) -> None:
    dlg = dialog_for(make_case(store))
    click_next(qtbot, dlg)
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    box = dlg.discard_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    keep = [b for b in box.buttons() if b.text() == "Keep signing"][0]
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert dlg.isVisible()
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    discard = [b for b in dlg.discard_box.buttons() if b.text() == "Discard"][0]
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dlg.isVisible())
    assert dlg.result() == dlg.DialogCode.Rejected


def test_sign_a_unit_end_to_end(qtbot: QtBot, store: Store, dialog_for) -> None:
    """Three signatures → last look at the signed PDF → File: the PDF is stored, names are in it,
    its signature verifies, and it waits in the outbox for the centre."""
    import io

    from pypdf import PdfReader

    from assessor_app.ers.filing import ers_document_path, read_ers_document
    from assessor_app.ers.pdf_signing import verify_pdf
    from assessor_app.store.models import ErsDocument, OutboxItem, Signature

    dlg = dialog_for(make_case(store))
    go_to_assessor(qtbot, dlg)
    assert dlg.assessor.name.text() == ASSESSOR
    sign(qtbot, dlg.assessor)
    click_next(qtbot, dlg)
    assert dlg.problem_text() == ""
    qtbot.waitUntil(lambda: dlg.current() is dlg.preview_page or bool(dlg.problem_text()),
                    timeout=30_000)
    assert dlg.current() is dlg.preview_page, dlg.problem_text()
    qtbot.waitUntil(dlg.preview.is_ready, timeout=10_000)
    assert dlg.preview.page_count() >= 1
    page = dlg.preview.render_page(0, 400)
    dark = sum(1 for y in range(0, page.height(), 4) for x in range(0, page.width(), 4)
               if page.pixelColor(x, y).lightness() < 100)
    assert dark > 50  # text on white, not a blank or transparent page
    assert verify_pdf(dlg.pdf_bytes).ok  # the last look is already the signed PDF
    with store.session() as s:
        assert s.exec(select(SignOff)).all() == []  # still nothing filed

    with qtbot.waitSignal(dlg.filed, timeout=30_000) as filed:
        click_next(qtbot, dlg)
    assert dlg.current() is dlg.done_page
    signoff_id = filed.args[0]
    with store.session() as s:
        so = s.get(SignOff, signoff_id)
        assert so is not None and so.status == "signed"
        roles = [g.role for g in s.exec(select(Signature).where(Signature.signoff_id == so.id))]
        assert sorted(roles) == ["assessor", "learner", "line_manager"]
        doc = s.exec(select(ErsDocument).where(ErsDocument.signoff_id == so.id)).one()
        queued = s.exec(select(OutboxItem).where(OutboxItem.ers_document_id == doc.id)).one()
    assert queued.state == "queued"
    assert ers_document_path(store, doc).is_file()
    data = read_ers_document(store, doc)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    for name in (LEARNER, LINE_MANAGER, ASSESSOR, "Store manager", "K/503/8194"):
        assert name in text
    result = verify_pdf(data)
    assert result.ok, result.problem
    assert result.content_hash == so.content_hash
    assert LEARNER not in doc.filename and "R1001" not in doc.filename
    qtbot.mouseClick(dlg.next_button, Qt.MouseButton.LeftButton)  # "Close"
    assert dlg.result() == dlg.DialogCode.Accepted


def test_check_page_shows_group_headings_and_counts_only_their_items(
        qtbot: QtBot, store: Store, dialog_for) -> None:
    """On L/601/1239, requirements 4 and 6 head their lettered items: the check page lists each
    heading once without a box, counts 12 items, and with all 12 ticked the unit is complete."""
    sc = l601_learner(store)
    judge_all_met(store, sc)
    tick(store, sc, [k for k in LEAVES if k != "6d"])
    dlg = dialog_for(Case(sc.learner_id, sc.unit_version_id))
    assert dlg.review.gap_box is not None
    gap_text = " ".join(label.text() for label in dlg.review.gap_box.findChildren(QLabel))
    assert "evidence requirements not ticked: 6d." in gap_text
    text = dlg.review.record.toPlainText()
    assert "Evidence requirements (11 of 12 ticked)" in text
    heading = "4. You must provide evidence that you can build and maintain relationships with:"
    assert text.count(heading) == 1
    assert f"☐ {heading}" not in text and f"☑ {heading}" not in text
    assert "☑ 4a. potential or new customers" in text and "☐ not ticked 6d. informal." in text
    dlg.close()

    tick(store, sc, ["6d"])
    dlg = dialog_for(Case(sc.learner_id, sc.unit_version_id))
    assert dlg.review.gap_box is None
    assert "Evidence requirements (12 of 12 ticked)" in dlg.review.record.toPlainText()
    click_next(qtbot, dlg)
    assert dlg.current() is dlg.learner


@pytest.fixture
def ui_thread_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[bool]]]:
    """Every call of the record's build and of the rehearsal, by name: True if on the UI
    thread."""
    calls: dict[str, list[bool]] = {"build_ers_content": [], "rehearse": []}

    def spy(name: str, fn: Callable) -> Callable:
        def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            calls[name].append(threading.current_thread() is threading.main_thread())
            return fn(*args, **kwargs)
        return wrapper

    for name in calls:
        monkeypatch.setattr(workflow, name, spy(name, getattr(workflow, name)))
    yield calls


def test_the_record_and_every_step_check_run_off_the_ui_thread(
        qtbot: QtBot, store: Store, ui_thread_calls: dict[str, list[bool]]) -> None:
    """Opening the dialog shows "Loading…" at once; the record arrives later, and every Next is
    checked by the core on a pool thread."""
    case = make_case(store)
    dlg = SignOffDialog(store, case.learner_id, case.unit_version_id, assessor_name=ASSESSOR)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.current() is dlg.loading and not dlg.next_button.isEnabled()
    settle(qtbot, dlg)
    assert dlg.current() is dlg.review and dlg.next_button.isEnabled()
    go_to_assessor(qtbot, dlg)
    sign(qtbot, dlg.assessor)
    click_next(qtbot, dlg)
    qtbot.waitUntil(lambda: dlg.current() is dlg.preview_page or bool(dlg.problem_text()),
                    timeout=30_000)
    assert dlg.current() is dlg.preview_page, dlg.problem_text()
    assert ui_thread_calls["build_ers_content"] == [False]
    # check page, learner, line manager twice (no job title, then signed), assessor, last look
    assert len(ui_thread_calls["rehearse"]) >= 5
    assert not any(ui_thread_calls["rehearse"])


def test_pressing_next_twice_checks_the_step_once(
        qtbot: QtBot, store: Store, dialog_for, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the core checks a step the dialog is busy: Next is off, a second press (or Return)
    starts nothing, and the page changes once the answer arrives."""
    dlg = dialog_for(make_case(store))
    gate = threading.Event()
    calls: list[int] = []
    original = workflow.rehearse

    def slow(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        gate.wait(WAIT_MS / 1000)
        return original(*args, **kwargs)

    monkeypatch.setattr(workflow, "rehearse", slow)
    qtbot.mouseClick(dlg.next_button, Qt.MouseButton.LeftButton)
    assert dlg.busy and not dlg.next_button.isEnabled()
    assert dlg.cursor().shape() == Qt.CursorShape.BusyCursor
    dlg.go_next()  # as if pressed again before the button greyed out
    qtbot.keyClick(dlg, Qt.Key.Key_Return)
    gate.set()
    settle(qtbot, dlg)
    assert len(calls) == 1
    assert dlg.current() is dlg.learner
    assert dlg.next_button.isEnabled() and dlg.cursor().shape() != Qt.CursorShape.BusyCursor


def test_filing_from_the_dialog_queues_the_ers_once(
        qtbot: QtBot, store: Store, dialog_for, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dialog's "File" goes through the core's `file_plan` (the demo's path too, see
    tests/signoff/test_workflow.py) and the ERS is queued exactly once."""
    from sqlmodel import func

    from assessor_app.store.models import ErsDocument, OutboxItem
    from assessor_app.sync import outbox

    filed_by: list[int] = []
    enqueued: list[int] = []
    real_file, real_enqueue = workflow.file_plan, outbox.enqueue

    def file_spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        result = real_file(*args, **kwargs)
        filed_by.append(result.ers_document_id)
        return result

    def enqueue_spy(session, ers_document_id):  # noqa: ANN001, ANN202
        enqueued.append(ers_document_id)
        return real_enqueue(session, ers_document_id)

    monkeypatch.setattr(workflow, "file_plan", file_spy)
    monkeypatch.setattr(outbox, "enqueue", enqueue_spy)
    dlg = dialog_for(make_case(store))
    go_to_assessor(qtbot, dlg)
    sign(qtbot, dlg.assessor)
    click_next(qtbot, dlg)
    qtbot.waitUntil(lambda: dlg.current() is dlg.preview_page or bool(dlg.problem_text()),
                    timeout=30_000)
    assert dlg.current() is dlg.preview_page, dlg.problem_text()
    with qtbot.waitSignal(dlg.filed, timeout=30_000):
        click_next(qtbot, dlg)
    assert len(filed_by) == 1
    assert enqueued == filed_by
    with store.read_session() as s:
        assert s.exec(select(func.count()).select_from(OutboxItem)).one() == 1
        assert s.exec(select(func.count()).select_from(ErsDocument)).one() == 1


def test_no_keyring_signs_with_the_passphrase_typed_at_start(
        qtbot: QtBot, store: Store, dialog_for, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a computer without a keyring the passphrase typed when the app opened is the one that
    protects the signing key: the sign-off does not ask for it a second time."""
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    from assessor_app.gui.dialogs import signoff_dialog
    from assessor_app.signoff.keys import load_or_create_identity

    typed = "typed at the start 123"
    load_or_create_identity(store, passphrase=typed)
    monkeypatch.delenv("ASSESSOR_APP_KEY_PASSPHRASE", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        store.typed_passphrase = typed

        def asked(*_a: object, **_k: object) -> tuple[str, bool]:
            raise AssertionError("asked for the passphrase again")

        monkeypatch.setattr(signoff_dialog.QInputDialog, "getText", asked)
        dlg = dialog_for(make_case(store))
        go_to_assessor(qtbot, dlg)
        sign(qtbot, dlg.assessor)
        click_next(qtbot, dlg)
        qtbot.waitUntil(lambda: dlg.current() is dlg.preview_page or bool(dlg.problem_text()),
                        timeout=30_000)
        assert dlg.current() is dlg.preview_page, dlg.problem_text()
    finally:
        keyring.set_keyring(previous)
