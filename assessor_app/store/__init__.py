"""Storage: the SQLite file, its schema (SQLModel tables + Alembic migrations) and sessions.

The names load on first use (PEP 562): importing a light submodule (`store.paths`,
`store.errors`) must not pull in SQLAlchemy, so the desktop app can show its window first."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assessor_app.store.engine import Store, open_store
    from assessor_app.store.errors import StoreError

_EXPORTS = {"Store": "engine", "open_store": "engine", "StoreError": "errors"}
__all__ = ["Store", "StoreError", "open_store"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value
