"""Builds the demo learner through the same core functions a real visit uses.

Everything goes through the evidence and sign-off services (no SQL here), so the demo obeys every
rule real data does: the three signatures are replayed from recorded stroke data through
the sign-off workflow's `file_plan`, the same function the sign-off dialog's "File" calls, which
signs, files the PAdES-signed ERS and queues it in the outbox in one transaction. Registration
numbers start with "DEMO-" so nobody mistakes it for real data.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources

from sqlmodel import select

from assessor_app.evidence.errors import NotFound
from assessor_app.evidence.items import QA, Witness, create_evidence
from assessor_app.evidence.judgements import record_judgement
from assessor_app.evidence.learners import add_learner, enrol, find_learner
from assessor_app.evidence.refs import CriterionRef
from assessor_app.evidence.visits import close_visit, plan_visit, start_visit
from assessor_app.signoff.keys import AssessorIdentity
from assessor_app.signoff.service import latest_signed
from assessor_app.specs.bootstrap import ensure_bundled_specs
from assessor_app.specs.queries import latest_unit_version, list_units
from assessor_app.store import Store
from assessor_app.store.locks import process_lock
from assessor_app.store.models import Unit
from assessor_app.store.settings import get_setting
from assessor_app.store.waiting import WAITING_MESSAGE
from assessor_app.workflow.signoff import SignerInput, SignOffPlan, file_plan

DEMO_REGISTRATION = "DEMO-0001"
DEMO_NAME = "Priya Shah (demo)"
LINE_MANAGER = "Sam Lee"
DEFAULT_ASSESSOR = "Alex Morgan"  # signs the demo's sheet when no assessor is set up
SIGNED_UNIT = "H/601/1232"  # OCR "Improve the customer relationship": 17 criteria, 4 outcomes
OTHER_UNITS = ("K/503/8194", "L/601/1239")
_PERFORMANCE = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "3.3"]
_KNOWLEDGE = ["4.1", "4.2", "4.3", "4.4"]


@dataclass(frozen=True)
class DemoResult:
    learner_id: int
    created: bool  # False when the demo learner already existed
    units: tuple[str, ...]
    signoff_id: int | None = None
    ers_document_id: int | None = None


def recorded_signature(role: str) -> str:
    """The stroke recording for `role` (learner, line_manager, assessor), as signature JSON."""
    return resources.files("assessor_app.demo").joinpath("signatures", f"{role}.json").read_text(
        encoding="utf-8").strip()


def _assessor(store: Store) -> str:
    """The assessor set up in this database, else the demo's made-up one. The demo only reads
    settings: its people must never reach a real learner's records or sheets."""
    return get_setting(store, "assessor_name") or DEFAULT_ASSESSOR


def _available(store: Store, wanted: tuple[str, ...]) -> tuple[str, ...]:
    with store.session() as session:
        refs = {u["reference"] for u in list_units(session)}
    return tuple(r for r in wanted if r in refs)


def create_demo_learner(store: Store, *, today: date | None = None) -> DemoResult | None:
    """The demo learner with visits and evidence on the bundled units, nothing signed yet.
    Returns None when there are no units to enrol on; the existing learner if already there."""
    ensure_bundled_specs(store)
    units = _available(store, (SIGNED_UNIT, *OTHER_UNITS))
    try:
        existing = find_learner(store, DEMO_REGISTRATION)
    except NotFound:
        existing = None
    if existing is not None:
        return DemoResult(existing.id, False, units)  # type: ignore[arg-type]
    if not units:
        return None
    today = today or date.today()
    assessor = _assessor(store)
    learner = add_learner(store, DEMO_NAME, DEMO_REGISTRATION, employer="Corner Shop",
                          line_manager=LINE_MANAGER, line_manager_email="sam.lee@example.com")
    assert learner.id is not None
    for ref in units:
        enrol(store, learner.id, ref, enrolled_on=today - timedelta(days=28))
    _record_first_visit(store, learner.id, units, today - timedelta(days=21), assessor)
    plan_visit(store, learner.id, on=today + timedelta(days=7), place="Corner Shop")
    return DemoResult(learner.id, True, units)


def demo_learner_id(store: Store, *, today: date | None = None) -> int | None:
    """The demo learner's id (created if needed, without a sign-off), or None with no units.
    This is what the GUI's first-run offer creates: no signing key is needed for it."""
    with demo_lock(store):
        result = create_demo_learner(store, today=today)
    return None if result is None else result.learner_id


def _refs(unit: str, numbers: str) -> list[CriterionRef]:
    return [CriterionRef(unit, n) for n in numbers.split()]


def _record_first_visit(store: Store, learner_id: int, units: tuple[str, ...], on: date,
                        assessor: str) -> None:
    visit = start_visit(store, learner_id, on=on, place="Corner Shop")
    holistic = [CriterionRef(SIGNED_UNIT, n) for n in _PERFORMANCE]
    holistic += [r for u, n in (("K/503/8194", "1.1"), ("K/503/8194", "1.4"),
                                ("L/601/1239", "1.2"), ("L/601/1239", "2.1"))
                 if u in units for r in _refs(u, n)]
    obs = create_evidence(
        store, learner_id, "observation", visit_id=visit.id, start_time="10:05",
        end_time="10:50", title="Handling a returned kettle",
        text=("Priya greeted a regular customer returning a kettle that had stopped working, "
              "listened without interrupting and checked the receipt. The exact model was out of "
              "stock, so she explained the refund and exchange options calmly and positively, "
              "costed a newer model against a refund with the shop's price-match, and agreed an "
              "exchange for the newer model at the same price, which the customer accepted.\n"
              "She phoned the customer the next morning (observed from the till) to confirm the "
              "new kettle worked, offered the shop's loyalty card and asked for feedback on the "
              "service. She asked the supervisor to approve the price-match before agreeing it."),
        criteria=holistic,
    )
    qa = create_evidence(
        store, learner_id, "questioning", visit_id=visit.id, title="Improving the relationship",
        questions=[
            QA("How do you choose how to contact a customer about an order?",
               "Phone if it is urgent or bad news, text for a quick update, email when they need "
               "details in writing. I use what they asked for on the order slip.", True),
            QA("How do you negotiate when a customer wants something we can't offer?",
               "Listen first, say clearly what we can do, offer two alternatives and agree one "
               "that works for them and the shop.", True),
            QA("How do you weigh up an unusual agreement, like a price-match?",
               "What it costs the shop now against keeping a regular customer; the supervisor "
               "signs off anything over ten pounds.", True),
            QA("Why does keeping customers loyal matter to the shop?",
               "Regulars are most of our takings and they recommend us to neighbours.", True),
        ],
        criteria=[CriterionRef(SIGNED_UNIT, n) for n in _KNOWLEDGE]
        + [r for r in _refs("K/503/8194", "1.2 1.3") if "K/503/8194" in units],
    )
    witness = create_evidence(
        store, learner_id, "witness", visit_id=visit.id, title="Supervisor's testimony",
        text=("Priya regularly asks colleagues on the deli counter to help when a customer wants "
              "a special order, and chased the supplier herself for a customer's birthday cake."),
        witness=Witness(name=LINE_MANAGER, role="Store supervisor",
                        relationship="Line manager", contact="sam.lee@example.com"),
        criteria=_refs(SIGNED_UNIT, "3.4"),
    )
    for number in _PERFORMANCE:
        record_judgement(store, learner_id, CriterionRef(SIGNED_UNIT, number), "met",
                         actor=assessor, evidence_ids=[obs.evidence_id])
    for number in _KNOWLEDGE:
        record_judgement(store, learner_id, CriterionRef(SIGNED_UNIT, number), "met",
                         actor=assessor, evidence_ids=[qa.evidence_id])
    record_judgement(store, learner_id, CriterionRef(SIGNED_UNIT, "3.4"), "met", actor=assessor,
                     evidence_ids=[witness.evidence_id])
    targets = [r for r in _refs("K/503/8194", "2.1 2.2 3.4") if "K/503/8194" in units]
    close_visit(store, visit.id,
                feedback="A calm, well-judged exchange; you kept the customer informed throughout.",
                action_plan="Read the shop's customer service plan and be ready to talk about how "
                            "it differs from a customer relationship plan.",
                targets=targets)


def sign_off_demo_unit(store: Store, learner_id: int, identity: AssessorIdentity, *,
                       today: date | None = None) -> tuple[int, int]:
    """Sign the demo's complete unit as the learner, line manager and assessor would, replaying
    recorded strokes, then file the ERS. Returns (sign-off id, ERS document id)."""
    today = today or date.today()
    signed_on = today
    assessor = _assessor(store)
    with store.read_session() as session:
        version = latest_unit_version(session, SIGNED_UNIT)
        assert version is not None and version.id is not None
    plan = SignOffPlan(learner_id, version.id, signers=[
        SignerInput("learner", DEMO_NAME, signed_on, recorded_signature("learner"),
                    declaration_accepted=True),
        SignerInput("line_manager", LINE_MANAGER, signed_on, recorded_signature("line_manager"),
                    job_title="Store supervisor"),
        SignerInput("assessor", assessor, signed_on, recorded_signature("assessor")),
    ])
    filed = file_plan(store, plan, today, identity)  # the dialog's "File", without the dialog
    return filed.signoff_id, filed.ers_document_id


def build_demo(store: Store, identity_factory: Callable[[Store], AssessorIdentity], *,
               today: date | None = None) -> DemoResult | None:
    """The full demo: learner, evidence and the signed, filed ERS. Safe to run again: an existing
    demo learner is kept, and the sign-off is completed if an earlier run stopped before it.
    The assessor's keys are loaded first, so a missing passphrase changes nothing. Two runs at
    once (two windows' first starts, two `demo` commands) take turns."""
    with demo_lock(store):
        return _build_demo(store, identity_factory, today=today)


def demo_lock(store: Store) -> AbstractContextManager[None]:
    """Only one process builds the demo at a time; the second then finds it built."""
    return process_lock(store.files_dir / "locks" / "demo.lock",
                        on_wait=lambda: store.wait_hooks.notify(WAITING_MESSAGE))


def _build_demo(store: Store, identity_factory: Callable[[Store], AssessorIdentity], *,
                today: date | None) -> DemoResult | None:
    identity = identity_factory(store)
    result = create_demo_learner(store, today=today)
    if result is None or SIGNED_UNIT not in result.units:
        return result
    with store.session() as session:
        unit = session.exec(select(Unit).where(Unit.reference == SIGNED_UNIT)).one()
        already = latest_signed(session, result.learner_id, unit.id)  # type: ignore[arg-type]
    if already is not None:
        return DemoResult(result.learner_id, result.created, result.units, already.id, None)
    signoff_id, doc_id = sign_off_demo_unit(store, result.learner_id, identity, today=today)
    return DemoResult(result.learner_id, result.created, result.units, signoff_id, doc_id)
