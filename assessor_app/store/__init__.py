"""Storage: the SQLite file, its schema (SQLModel tables + Alembic migrations) and sessions.

The names load on first use (PEP 562): importing a light submodule (`store.paths`,
`store.errors`) must not pull in SQLAlchemy, so the desktop app can show its window first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assessor_app.lazy import lazy_exports

if TYPE_CHECKING:
    from assessor_app.store.engine import Store, open_store
    from assessor_app.store.errors import StoreError

__getattr__, __all__ = lazy_exports(__name__, {"engine": ("Store", "open_store"),
                                               "errors": ("StoreError",)})
