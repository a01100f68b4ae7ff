"""What can go wrong with the database file, each with a message that says what to do next, and
which driver failures mean what, so callers (the GUI's messages) need not know the driver."""

from __future__ import annotations

import sqlite3
import sys


class StoreError(RuntimeError):
    """The database file cannot be opened or used; the message says which file and why."""


class NotOurDatabase(StoreError):
    """The file is not an Assessor companion database (another program's, or not SQLite)."""


class NewerSchema(StoreError):
    """The database was written by a newer version of the app; this one must not change it."""


class DamagedDatabase(StoreError):
    """SQLite cannot read the file: damaged, truncated or overwritten."""


class StoreLocked(StoreError):
    """The data key is not available without the assessor's passphrase (ask, then retry)."""


class StoreBusy(StoreError):
    """Another program kept the write lock for longer than we are willing to wait."""


def is_database_busy(exc: BaseException) -> bool:
    """Another connection held the write lock past the busy timeout (or past our own wait)."""
    if isinstance(exc, StoreBusy):
        return True
    kinds: tuple[type[BaseException], ...] = (sqlite3.OperationalError,)
    if (orm := _sqlalchemy_exc()) is not None:
        kinds += (orm.OperationalError,)
    return isinstance(exc, kinds) and "locked" in str(exc)


def is_constraint_clash(exc: BaseException) -> bool:
    """A unique or foreign-key constraint refused the change (for example a duplicate)."""
    orm = _sqlalchemy_exc()
    return orm is not None and isinstance(exc, orm.IntegrityError)


def _sqlalchemy_exc():  # noqa: ANN202 - the module, when loaded
    """SQLAlchemy's exceptions, if SQLAlchemy is loaded: an exception can only be one of them
    if it is, and this module is imported before the window shows, which must not wait for it."""
    return sys.modules.get("sqlalchemy.exc")
