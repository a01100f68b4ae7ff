"""What the ERS filer announces (see `assessor_app.store.events`): kept apart from `filing` so a
listener does not pull in PDF rendering to import it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErsFiled:
    """Published in the filing transaction; sync listens and queues the document for the centre."""

    document_id: int
