"""The demo's own database, beside the real one: the GUI opens the demo there (Help ▸ Demo), so
its people and sheets never mix with real learners, and it never touches the real settings.

    path = demo_db_path(real_store.db_path)        # …/assessor-demo.sqlite3
    result = prepare_demo_store(path)              # builds (or finds) the demo learner there
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assessor_app.demo.builder import DemoResult, build_demo, create_demo_learner
from assessor_app.signoff.keys import KeyStoreError, load_or_create_identity
from assessor_app.store import open_store

DEMO_SUFFIX = "-demo"


def demo_db_path(real_db: Path) -> Path:
    """The demo database for this real one (a demo database is its own demo database)."""
    if real_db.stem.endswith(DEMO_SUFFIX):
        return real_db
    return real_db.with_name(f"{real_db.stem}{DEMO_SUFFIX}{real_db.suffix or '.sqlite3'}")


def is_demo_db(path: Path) -> bool:
    return path.stem.endswith(DEMO_SUFFIX)


def prepare_demo_store(path: Path, *, today: date | None = None,
                       passphrase: str | None = None) -> DemoResult | None:
    """Build the full demo (a signed, filed unit) in the database at `path`; when no signing
    key can be used without asking (no keyring), the demo learner without the sign-off.
    `passphrase`: the one the assessor typed this run (no keyring), kept in memory only."""
    store = open_store(path, passphrase=passphrase)
    try:
        try:
            return build_demo(store, lambda s: load_or_create_identity(s, passphrase=passphrase),
                              today=today)
        except KeyStoreError:
            return create_demo_learner(store, today=today)
    finally:
        store.close()
