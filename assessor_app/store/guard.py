"""Look at a database file before the app writes anything into it.

The app only ever writes into a file that is missing, truly empty (0 bytes, or an SQLite file
with no tables at all) or one of its own databases at a schema version it knows. Anything else —
another program's SQLite database, a file that is not SQLite, a damaged file, a database from a
newer version of the app — is refused with a `StoreError` subclass, and nothing is written.
The check opens the file read-only.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

from assessor_app.store.errors import DamagedDatabase, NewerSchema, NotOurDatabase, StoreError

SQLITE_MAGIC = b"SQLite format 3\x00"
VERSION_TABLE = "alembic_version"
# SQLite's own wording for damage; never carries row data, so it is safe to show.
_SAFE_SQLITE_REASONS = ("file is not a database", "database disk image is malformed",
                        "disk I/O error", "unable to open database file")
_WHERE = "Check the path given with --db or ASSESSOR_APP_DB."


def safe_reason(exc: BaseException) -> str:
    """SQLite's reason when it is one of its fixed phrases, else only the error's type: other
    messages may quote the data that could not be read (a learner's name)."""
    text = str(exc)
    for phrase in _SAFE_SQLITE_REASONS:
        if phrase in text:
            return phrase
    return exc.__class__.__name__


def check_database_file(path: Path, known_revisions: set[str]) -> None:
    """Raise unless the app may open (and migrate) `path`. Never writes."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file. {_WHERE}")
    if not path.exists():
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"Cannot read the database {path}: {exc.strerror or exc}.") from exc
    if not header and not _has_wal(path):
        return  # a truly empty file: made by the user or a crashed first start
    if header != SQLITE_MAGIC:
        raise NotOurDatabase(f"{path} is not a database of this app (not an SQLite file); "
                             f"nothing was written to it. {_WHERE}")
    tables, revision = _read_schema(path)
    if not tables:
        return
    if VERSION_TABLE not in tables or revision is None:
        raise NotOurDatabase(
            f"{path} is another program's database (it has tables this app did not make); "
            f"nothing was written to it. Give a new file name with --db. {_WHERE}")
    check_revision(path, revision, known_revisions)


def check_revision(path: Path, revision: str | None, known_revisions: set[str]) -> None:
    """The same newer-version refusal for a database read through the (encrypted) engine."""
    if revision is not None and revision not in known_revisions:
        raise NewerSchema(
            f"{path} was saved by a newer version of Assessor companion (schema {revision}); "
            "this version will not change it. Install the newer version to open it.")


def _has_wal(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def _read_schema(path: Path) -> tuple[set[str], str | None]:
    uri = f"file:{quote(str(path))}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True, timeout=10)) as conn:
            conn.execute("PRAGMA query_only=ON")
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
            revision = None
            if VERSION_TABLE in tables:
                row = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
                revision = str(row[0]) if row and row[0] is not None else None
            return tables, revision
    except (sqlite3.Error, UnicodeDecodeError, ValueError) as exc:  # text that is not text
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(f"The database {path} is locked by another program; try again "
                             "in a moment.") from exc
        raise DamagedDatabase(
            f"The database {path} is damaged or not a database ({safe_reason(exc)}); nothing "
            "was written to it. Restore it from a backup or give another file with --db.") \
            from exc
