"""Small key/value settings kept in the database (they travel with it; never secrets)."""

from __future__ import annotations

from sqlmodel import Session

from assessor_app.store.engine import Store
from assessor_app.store.models import Setting


def get_setting(db: Store | Session, key: str, default: str = "") -> str:
    """The stripped value of `key`, or `default` when unset or blank."""
    if isinstance(db, Session):
        row = db.get(Setting, key)
        return row.value.strip() if row is not None and row.value.strip() else default
    with db.read_session() as session:
        return get_setting(session, key, default)


def set_setting(store: Store, key: str, value: str) -> None:
    with store.session() as session:
        session.merge(Setting(key=key, value=value))
