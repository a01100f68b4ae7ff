"""What the sign-off history shows, read in read-only sessions: each sign-off of a unit with
the ERS document filed for it, and the view an unsigned copy is rendered from."""

from __future__ import annotations

from assessor_app.ers.filing import existing_document
from assessor_app.ers.view import ErsView, view_for_signoff
from assessor_app.signoff.service import SignOffSummary, list_signoffs
from assessor_app.store import Store
from assessor_app.store.models import ErsDocument


def signoff_history(store: Store, learner_id: int,
                    unit_id: int) -> list[tuple[SignOffSummary, ErsDocument | None]]:
    """The unit's sign-offs for the learner, newest first, each with its filed document."""
    with store.read_session() as session:
        summaries = list_signoffs(session, learner_id, unit_id)
    return [(s, existing_document(store, s.id)) for s in summaries]


def ers_view(store: Store, signoff_id: int) -> ErsView:
    with store.read_session() as session:
        return view_for_signoff(session, signoff_id)
