"""Start-up wiring of the core: the listeners by which higher packages react to lower ones.

Called once by every entry point (the CLI's `main`, which also starts the GUI, and the test
suite); calling it again changes nothing. See `assessor_app.store.events` for why this exists.
"""

from __future__ import annotations

from assessor_app.ers.events import ErsFiled
from assessor_app.evidence.events import EvidenceChanging, JudgementChanged
from assessor_app.signoff import voiding
from assessor_app.store.events import listen
from assessor_app.sync import outbox


def install() -> None:
    """Register the core's listeners: sign-off voids what evidence changes covered; sync queues
    what the ERS filer filed."""
    listen(EvidenceChanging, voiding.on_evidence_changing)
    listen(JudgementChanged, voiding.on_judgement_changed)
    listen(ErsFiled, outbox.on_ers_filed)
