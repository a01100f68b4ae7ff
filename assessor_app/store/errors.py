"""What can go wrong with the database file, each with a message that says what to do next, and
which driver failures mean what, so callers (the GUI's messages) need not know the driver."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import IntegrityError, OperationalError


class StoreError(RuntimeError):
    """The database file cannot be opened or used; the message says which file and why."""


class NotOurDatabase(StoreError):
    """The file is not an Assessor companion database (another program's, or not SQLite)."""


class NewerSchema(StoreError):
    """The database was written by a newer version of the app; this one must not change it."""


class DamagedDatabase(StoreError):
    """SQLite cannot read the file: damaged, truncated or overwritten."""


class StoreBusy(StoreError):
    """Another program kept the write lock for longer than we are willing to wait."""


def is_database_busy(exc: BaseException) -> bool:
    """Another connection held the write lock past the busy timeout (or past our own wait)."""
    if isinstance(exc, StoreBusy):
        return True
    return isinstance(exc, (OperationalError, sqlite3.OperationalError)) and "locked" in str(exc)


def is_constraint_clash(exc: BaseException) -> bool:
    """A unique or foreign-key constraint refused the change (for example a duplicate)."""
    return isinstance(exc, IntegrityError)
