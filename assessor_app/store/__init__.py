"""Storage: the SQLite file, its schema (SQLModel tables + Alembic migrations) and sessions."""

from assessor_app.store.engine import Store, open_store

__all__ = ["Store", "open_store"]
