"""Sessions for the service functions: reads accept a `Store` or an open `Session`; writes take a
`Store` and run in their own short transaction (autosave: one edit, one commit)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from assessor_app.store import Store

Db = Store | Session


@contextmanager
def reading(db: Db) -> Iterator[Session]:
    """Use the caller's session as is, or open a short read-only snapshot on the store (it does
    not wait for a writer, e.g. a sync running in a worker thread)."""
    if isinstance(db, Session):
        yield db
        return
    with db.read_session() as session:
        yield session
