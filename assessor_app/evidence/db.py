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
    """Use the caller's session as is, or open (and commit) a short one on the store."""
    if isinstance(db, Session):
        yield db
        return
    with db.session() as session:
        yield session
