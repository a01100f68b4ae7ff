"""What can go wrong with the database file, each with a message that says what to do next."""

from __future__ import annotations


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
