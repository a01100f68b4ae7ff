"""The first-run demo learner: a populated example so a new user sees what the screens are for.

Built only through the core's public functions (no Qt here, no SQL), so it obeys every rule a
real learner does. Registration numbers start with "DEMO-" so nobody mistakes it for real data.
"""

from __future__ import annotations

from datetime import date, timedelta

from assessor_app.evidence.items import QA, create_evidence
from assessor_app.evidence.judgements import record_judgement
from assessor_app.evidence.learners import add_learner, enrol
from assessor_app.evidence.refs import CriterionRef
from assessor_app.evidence.visits import close_visit, plan_visit, start_visit
from assessor_app.specs.queries import list_units
from assessor_app.store import Store

PREFERRED_UNITS = ("K/503/8194", "H/601/1232")


def _units(store: Store) -> list[str]:
    with store.session() as session:
        refs = [u["reference"] for u in list_units(session)]
    chosen = [r for r in PREFERRED_UNITS if r in refs]
    return chosen or refs[:2]


def create_demo_learner(store: Store, *, today: date | None = None) -> int | None:
    """Add "Priya Shah (demo)" with two units, one completed visit and a planned one.
    Returns the learner id, or None when there are no units to enrol on."""
    units = _units(store)
    if not units:
        return None
    today = today or date.today()
    learner = add_learner(store, "Priya Shah (demo)", "DEMO-0001", employer="Corner Shop",
                          line_manager="Sam Lee", line_manager_email="sam.lee@example.com")
    assert learner.id is not None
    for ref in units:
        enrol(store, learner.id, ref)
    first, second = units[0], units[-1]

    visit = start_visit(store, learner.id, on=today - timedelta(days=14), place="Corner Shop")
    obs = create_evidence(
        store, learner.id, "observation", visit_id=visit.id, start_time="10:05",
        end_time="10:40", title="Handling a returned item",
        text=("Priya greeted a customer returning a kettle, listened without interrupting and "
              "checked the receipt. She explained the refund options clearly and, when the "
              "customer was unsure, offered an exchange for a newer model.\n"
              "She logged the return and asked the customer for feedback on the service."),
        criteria=[CriterionRef(first, "1.1"), CriterionRef(first, "1.4"),
                  CriterionRef(second, "1.1")],
    )
    create_evidence(
        store, learner.id, "questioning", visit_id=visit.id, title="Customer needs",
        questions=[
            QA("Why does the shop ask customers for feedback?",
               "To find out what they think of us and fix problems before they go elsewhere.",
               True),
            QA("What makes a customer likely to buy here again?",
               "Being served quickly and politely, and the shop having what they need.", True),
            QA("How would you group our regular customers?",
               "Commuters in the morning, families at weekends, older people in the daytime.",
               None),
        ],
        criteria=[CriterionRef(first, "1.2"), CriterionRef(first, "1.3")],
    )
    record_judgement(store, learner.id, CriterionRef(first, "1.1"), "met", actor="Demo assessor",
                     reason="Observed during a return.", evidence_ids=[obs.evidence_id])
    close_visit(store, visit.id, feedback="A calm, friendly return handled by the book.",
                action_plan="Read the customer service plan; be ready to talk about it.",
                targets=[CriterionRef(first, "2.1"), CriterionRef(first, "2.2")])
    plan_visit(store, learner.id, on=today, place="Corner Shop")
    return learner.id
