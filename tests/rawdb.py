"""Open the app's encrypted database directly (a DB-API connection), as a test's "raw" view."""

from __future__ import annotations

from pathlib import Path

from assessor_app.vault.dbfile import connect
from assessor_app.vault.unlock import check_passphrase, unlock


def raw_connect(db_path: Path, passphrase: str | None = None):  # noqa: ANN201 - DB-API conn
    """A plain DB-API connection to the encrypted file, keyed by the keyring (or `passphrase`)."""
    key = check_passphrase(db_path, passphrase) if passphrase else unlock(db_path)
    conn = connect(db_path, key)
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


CLI_PASSPHRASE = "test suite passphrase"


def cli_env(store=None, passphrase: str = CLI_PASSPHRASE, db=None,  # noqa: ANN001
            **extra: str) -> dict[str, str]:
    """Environment for running the real console script in a child process (which has no test
    keyring): the passphrase in ASSESSOR_APP_KEY_PASSPHRASE, and, when the data folder was made
    in this process, that passphrase set as the one that opens it."""
    import os

    from assessor_app.vault.keys import key_file_path
    from assessor_app.vault.unlock import change_passphrase

    if store is not None:
        change_passphrase(store.db_path, store.key, passphrase)
    elif db is not None and key_file_path(Path(db)).exists():
        change_passphrase(Path(db), unlock(Path(db)), passphrase)
    return {**os.environ, "ASSESSOR_APP_KEY_PASSPHRASE": passphrase, **extra}
