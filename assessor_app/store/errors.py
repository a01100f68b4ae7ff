"""Which database failures mean what, so callers (the GUI's messages) need not know the driver."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import IntegrityError, OperationalError


def is_database_busy(exc: BaseException) -> bool:
    """Another connection held the write lock past the busy timeout."""
    return isinstance(exc, (OperationalError, sqlite3.OperationalError)) and "locked" in str(exc)


def is_constraint_clash(exc: BaseException) -> bool:
    """A unique or foreign-key constraint refused the change (for example a duplicate)."""
    return isinstance(exc, IntegrityError)
