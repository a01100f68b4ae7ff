"""Storage: the SQLite file, its schema (SQLModel tables + Alembic migrations) and sessions."""

from assessor_app.store.engine import Store, StoreError, open_store

__all__ = ["Store", "StoreError", "open_store"]
