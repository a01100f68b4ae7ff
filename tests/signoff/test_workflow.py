"""The sign-off workflow of the core: rehearse in a savepoint, file and queue in one transaction,
and one filing path shared by the dialog and the demo."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from assessor_app.signoff.keys import load_or_create_identity
from assessor_app.store import Store
from assessor_app.store.models import AuditEntry, ErsDocument, OutboxItem, Signature, SignOff
from assessor_app.sync import outbox
from assessor_app.workflow import signoff as workflow
from assessor_app.workflow.signoff import (
    CONTENT_CHANGED,
    SignerInput,
    SignOffPlan,
    check_plan,
    file_plan,
    rehearse,
)
from tests.signoff.factory import scribble, seed_scenario

TODAY = date(2025, 11, 25)
TABLES = (SignOff, Signature, ErsDocument, OutboxItem, AuditEntry)


def _counts(store: Store) -> dict[str, int]:
    with store.read_session() as s:
        return {m.__name__: s.exec(select(func.count()).select_from(m)).one() for m in TABLES}


def _plan(store: Store, *, assessor_on: date = date(2025, 11, 21)) -> SignOffPlan:
    with store.session() as s:
        sc = seed_scenario(s)
    return SignOffPlan(sc.learner_id, sc.unit_version_id, signers=[
        SignerInput("learner", "Priya Shah", date(2025, 11, 19), scribble(seed=1),
                    declaration_accepted=True),
        SignerInput("line_manager", "Sam Lee", date(2025, 11, 20), scribble(seed=2),
                    job_title="Store manager"),
        SignerInput("assessor", "Alex Morgan", assessor_on, scribble(seed=3)),
    ])


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every call of the outbox's `enqueue`, by document id."""
    calls: list[int] = []
    real = outbox.enqueue

    def spy(session, ers_document_id):  # noqa: ANN001, ANN202
        calls.append(ers_document_id)
        return real(session, ers_document_id)

    monkeypatch.setattr(outbox, "enqueue", spy)
    return calls


def test_a_rehearsal_answers_and_leaves_nothing_behind(store: Store) -> None:
    plan = _plan(store)
    before = _counts(store)
    checked = check_plan(store, plan, TODAY)
    assert checked.problem == "" and len(checked.content_hash) == 64
    statuses = rehearse(store, plan, TODAY, lambda s, so: (so.status, so.id is not None))
    assert statuses == ("signed", True)
    assert _counts(store) == before  # savepoint rolled back: no sign-off, signature or audit


def test_a_refused_step_comes_back_as_the_cores_message(store: Store) -> None:
    plan = _plan(store, assessor_on=TODAY + timedelta(days=3))
    before = _counts(store)
    checked = check_plan(store, plan, TODAY)
    assert checked.content_hash == "" and "future" in checked.problem.lower()
    assert _counts(store) == before


def test_a_record_changed_since_the_check_page_is_refused(store: Store) -> None:
    plan = _plan(store)
    plan.expected_hash = "0" * 64
    assert check_plan(store, plan, TODAY).problem == CONTENT_CHANGED


def test_filing_signs_files_and_queues_exactly_once(store: Store, enqueued: list[int]) -> None:
    plan = _plan(store)
    identity = load_or_create_identity(store, "Alex Morgan")
    before = _counts(store)
    filed = file_plan(store, plan, TODAY, identity)
    after = _counts(store)
    grew = {k: after[k] - before[k] for k in after if k != "AuditEntry"}
    assert grew == {"SignOff": 1, "Signature": 3, "ErsDocument": 1, "OutboxItem": 1}
    assert enqueued == [filed.ers_document_id]
    with store.read_session() as s:
        so = s.get(SignOff, filed.signoff_id)
        assert so is not None and so.status == "signed"
        item = s.exec(select(OutboxItem)).one()
        assert item.ers_document_id == filed.ers_document_id and item.state == "queued"
        files = s.exec(select(AuditEntry).where(AuditEntry.action == "ers.file")).all()
        assert [e.subject for e in files] == [f"signoff:{filed.signoff_id}"]


def test_filing_is_one_transaction(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the PDF cannot be made, the sign-off is not recorded either: nothing half-filed."""
    from assessor_app.ers import filing

    plan = _plan(store)
    identity = load_or_create_identity(store, "Alex Morgan")
    before = _counts(store)

    def broken(*_args, **_kwargs) -> bytes:  # noqa: ANN002, ANN003
        raise OSError("disk full")

    monkeypatch.setattr(filing, "render_signed_pdf_in", broken)
    with pytest.raises(OSError):
        file_plan(store, plan, TODAY, identity)
    assert _counts(store) == before


def test_the_demo_files_through_the_workflow_and_queues_once(
        store: Store, enqueued: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    from assessor_app.demo import builder

    calls: list[int] = []
    real = workflow.file_plan

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(builder, "file_plan", spy)
    result = builder.build_demo(store, lambda st: load_or_create_identity(st, "Alex Morgan"))
    assert result is not None and result.ers_document_id is not None
    assert calls == [1]
    assert enqueued == [result.ers_document_id]
    counts = _counts(store)
    assert counts["OutboxItem"] == 1 and counts["ErsDocument"] == 1
