"""Storage: the SQLite file, its schema (SQLModel tables + Alembic migrations) and sessions."""

from assessor_app.store.engine import Store, open_store
from assessor_app.store.errors import StoreError

__all__ = ["Store", "StoreError", "open_store"]
