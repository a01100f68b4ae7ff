"""Start-up wiring of the core: the listeners by which higher packages react to lower ones.

Called once by every entry point (the CLI's `main`, which also starts the GUI, and the test
suite); calling it again changes nothing. See `assessor_app.store.events` for why this exists.

The listeners import their modules (sign-off voiding, the sync outbox: the ORM with them) when
an event first comes, which is always inside a write through the ORM: installing them at
start-up loads nothing, so the desktop app's first screens show without the ORM.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assessor_app.ers.events import ErsFiled
from assessor_app.evidence.events import EvidenceChanging, JudgementChanged
from assessor_app.store.events import listen

if TYPE_CHECKING:
    from sqlmodel import Session


def void_on_evidence_changing(session: Session, event: EvidenceChanging) -> None:
    from assessor_app.signoff import voiding

    voiding.on_evidence_changing(session, event)


#: As `voiding.on_evidence_changing`'s own flag says (tests/signoff/test_wiring.py checks it): it does
#: nothing for an item no live sign-off covers (the autosave fast path, `evidence.hot_edit`).
void_on_evidence_changing.only_for_signed_items = True  # type: ignore[attr-defined]


def void_on_judgement_changed(session: Session, event: JudgementChanged) -> None:
    from assessor_app.signoff import voiding

    voiding.on_judgement_changed(session, event)


def queue_filed_ers(session: Session, event: ErsFiled) -> None:
    from assessor_app.sync import outbox

    outbox.on_ers_filed(session, event)


def install() -> None:
    """Register the core's listeners: sign-off voids what evidence changes covered; sync queues
    what the ERS filer filed."""
    listen(EvidenceChanging, void_on_evidence_changing)
    listen(JudgementChanged, void_on_judgement_changed)
    listen(ErsFiled, queue_filed_ers)
