"""Where the app keeps its files: per-user data dir, unless told otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

from assessor_app import APP_AUTHOR, APP_NAME

DB_ENV = "ASSESSOR_APP_DB"
DB_FILENAME = "assessor.sqlite3"


def data_dir() -> Path:
    return user_data_path(APP_NAME, APP_AUTHOR, ensure_exists=True)


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--db PATH` wins, then $ASSESSOR_APP_DB, then the per-user data dir."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return data_dir() / DB_FILENAME


def files_dir_for(db_path: Path) -> Path:
    """Attachments, rendered PDFs and keys live beside the database they belong to (made here
    if missing)."""
    d = files_dir_path(db_path)
    d.mkdir(parents=True, exist_ok=True)
    return d


def files_dir_path(db_path: Path) -> Path:
    """Where `files_dir_for` keeps them, without making the folder."""
    return db_path.parent / (db_path.stem + ".files")
